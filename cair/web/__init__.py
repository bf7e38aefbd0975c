"""HTTP. One FastAPI app per process (``app``, run by ``cair serve``) holds the JSON API under
/api/v1 (``api/``, one dependency per audience in ``identity``), the server-rendered pages
(``pages/``) with their assets (``static/``), the CDC IIS SOAP endpoint that data-exchange sites
send to at /iis/staging and /iis/production (``iis``, envelopes in ``iis_soap``), and the
middleware every request passes through (body limit, access log, security headers, Idempotency-Key
replays). The codec endpoint the Temporal Web UI decodes payloads through is a separate small app
(``codec_endpoint``, run by ``cair codec`` and ``cair dev``)."""
