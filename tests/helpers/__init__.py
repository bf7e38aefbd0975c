"""What the tests share, one small module for each kind of thing.

A test module never imports another test module or a conftest: pytest imports those under its
own rules (a conftest once per folder, a test module when collected), so importing one from
another runs its module code twice or ties one suite to another's fixtures. Fixtures stay in the
conftest files; everything else the tests share lives here."""
