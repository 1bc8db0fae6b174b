"""Who a request comes from: AK/SK signing for the Huawei services, sessions for WorldServer.

``signer`` signs with APIG's ``SDK-HMAC-SHA256`` and ``verifier`` checks such signatures (the
mock service uses it), both built on ``canonical``, the one place that defines what a signature
covers. ``worldserver`` holds what a WorldServer session is beyond its I/O (the login request,
the token, the refusals); the sessions themselves are I/O, written once in
``attachkit/_async/worldserver_session.py`` with the sync twin generated.
"""

from attachkit.auth.signer import AkSkAuth, SignedRequest, sign_request

__all__ = ["AkSkAuth", "SignedRequest", "sign_request"]
