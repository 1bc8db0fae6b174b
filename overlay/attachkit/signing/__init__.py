"""APIG ``SDK-HMAC-SHA256`` request signing (``signer``) and verification (``verifier``).

Both are built on ``canonical``, the one place that defines what a signature covers.
"""

from attachkit.signing.signer import AkSkAuth, SignedRequest, sign_request

__all__ = ["AkSkAuth", "SignedRequest", "sign_request"]
