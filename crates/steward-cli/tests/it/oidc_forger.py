"""A small OpenID provider for the sign-in tests that issues ID tokens a real provider would
not: signed with a key it makes at start, and spoiled as asked.

    python3 oidc_forger.py PORT

It serves discovery, its key set, an authorisation endpoint that sends the browser straight
back with a code, and a token endpoint that checks the PKCE verifier against the challenge
before answering. `GET /mode?set=MODE` chooses what the next ID tokens are:

    good         a token a client should accept (so that the refusals below are not the
                 forger's own mistakes)
    tampered     signed, then its payload changed
    wrong-nonce  a nonce other than the one the client sent
    wrong-aud    issued to another client
    expired      expired ten minutes ago

Tokens carry `roles` (set with `GET /mode?roles=A,B`) and Entra ID's `tid` and `oid`.

`GET /mode?rotate=1` replaces the signing key with a new one under a new key id, as a provider
rotating its keys does; `GET /counts` answers how many times the discovery document and the
key set have been fetched.
"""

import base64
import hashlib
import json
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from joserfc import jwt
from joserfc.jwk import RSAKey

PORT = int(sys.argv[1])
ISSUER = f"http://127.0.0.1:{PORT}"
KEY = RSAKey.generate_key(2048, parameters={"kid": "forger-1"})
STATE = {"mode": "good", "roles": ["Steward.Admin"], "codes": {}, "key": KEY, "kid": "forger-1"}
COUNTS = {"discovery": 0, "jwks": 0}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def id_token(client_id: str, nonce: str) -> str:
    mode = STATE["mode"]
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "sub": "forged-subject",
        "aud": "another-client" if mode == "wrong-aud" else client_id,
        "iat": now - 900 if mode == "expired" else now,
        "exp": now - 600 if mode == "expired" else now + 300,
        "nonce": "not-the-nonce-sent" if mode == "wrong-nonce" else nonce,
        "roles": STATE["roles"],
        "tid": "tenant-1",
        "oid": "object-1",
    }
    token = jwt.encode({"alg": "RS256", "kid": STATE["kid"]}, claims, STATE["key"])
    if mode == "tampered":
        head, _, sig = token.split(".")
        claims["roles"] = ["Steward.Admin", "Extra"]
        body = b64url(json.dumps(claims).encode())
        token = f"{head}.{body}.{sig}"
    return token


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body, headers=()):
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        if url.path == "/.well-known/openid-configuration":
            COUNTS["discovery"] += 1
            self.answer(200, {
                "issuer": ISSUER,
                "authorization_endpoint": f"{ISSUER}/authorize",
                "token_endpoint": f"{ISSUER}/token",
                "jwks_uri": f"{ISSUER}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
            })
        elif url.path == "/jwks":
            COUNTS["jwks"] += 1
            self.answer(200, {"keys": [STATE["key"].as_dict(private=False)]})
        elif url.path == "/counts":
            self.answer(200, COUNTS)
        elif url.path == "/mode":
            if "set" in q:
                STATE["mode"] = q["set"]
            if "roles" in q:
                STATE["roles"] = [r for r in q["roles"].split(",") if r]
            if "rotate" in q:
                kid = f"forger-{int(STATE['kid'].split('-')[1]) + 1}"
                STATE["key"] = RSAKey.generate_key(2048, parameters={"kid": kid})
                STATE["kid"] = kid
            self.answer(200, {"mode": STATE["mode"], "roles": STATE["roles"]})
        elif url.path == "/authorize":
            code = b64url(hashlib.sha256(q["state"].encode()).digest())
            STATE["codes"][code] = {
                "nonce": q.get("nonce", ""),
                "challenge": q.get("code_challenge", ""),
                "method": q.get("code_challenge_method", ""),
                "client_id": q["client_id"],
            }
            back = q["redirect_uri"] + "?" + urllib.parse.urlencode(
                {"code": code, "state": q["state"]})
            self.answer(302, None, [("Location", back)])
        else:
            self.answer(404, {"error": "not_found"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        if self.path != "/token":
            self.answer(404, {"error": "not_found"})
            return
        grant = STATE["codes"].pop(form.get("code", ""), None)
        verifier = form.get("code_verifier", "")
        made = b64url(hashlib.sha256(verifier.encode()).digest())
        if grant is None or grant["method"] != "S256" or made != grant["challenge"]:
            self.answer(400, {"error": "invalid_grant"})
            return
        self.answer(200, {
            "access_token": "forged-access",
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": id_token(grant["client_id"], grant["nonce"]),
        })


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
