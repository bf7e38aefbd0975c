"""E-mail: what each message says (builders per audience, one per ``Mail`` kind), the link it
carries, and the ``send_mail`` activity that renders and sends it once."""
