"""JWTs verified against the issuer's JWKS: OIDC ID tokens and Kubernetes projected
service-account tokens (whose `sub` is `system:serviceaccount:<namespace>:<name>`).

The signature is checked first, with the key the token's `kid` names and only the algorithm
that key is for (RS256 or ES256), so a token cannot pick a weaker algorithm or `none`. Then
`iss` and `aud` must equal the configured ones, `exp`, `iat` and `sub` must be present, and
`exp`, `nbf` and `iat` hold with LEEWAY_SECONDS of clock skew. The principal is `sub`.
"""

from __future__ import annotations

import jwt
from exprun.server.core.errors import Unauthenticated
from exprun.server.security.identity import Identity
from exprun.server.security.jwks import ALGORITHMS, Jwks

LEEWAY_SECONDS = 30
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub"]


def looks_like_jwt(token: str) -> bool:
    return token.count(".") == 2


class JwtVerifier:
    def __init__(self, jwks: Jwks, *, issuer: str, audience: str) -> None:
        self.jwks = jwks
        self.issuer = issuer
        self.audience = audience

    async def verify(self, token: str) -> Identity:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise invalid("the bearer token is not a well-formed JWT") from None
        algorithm, kid = header.get("alg"), header.get("kid")
        if algorithm not in ALGORITHMS:
            raise invalid(f"the JWT must be signed with {' or '.join(ALGORITHMS)}")
        if not isinstance(kid, str) or not kid:
            raise invalid("the JWT has no kid header naming its signing key")
        key = await self.jwks.key(kid)
        if key is None:
            raise Unauthenticated(
                "the JWT is signed by a key that is not in the trusted JWKS", reason="TOKEN_KEY_UNKNOWN"
            )
        if key.algorithm_name != algorithm:
            raise invalid("the JWT's algorithm does not match its signing key")
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=[algorithm],
                audience=self.audience,
                issuer=self.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("the JWT has expired", reason="TOKEN_EXPIRED") from None
        except jwt.ImmatureSignatureError:
            raise Unauthenticated("the JWT is not valid yet", reason="TOKEN_NOT_YET_VALID") from None
        except jwt.InvalidAudienceError:
            raise Unauthenticated(
                f'the JWT is not meant for this server: its audience must include "{self.audience}"',
                reason="TOKEN_WRONG_AUDIENCE",
                metadata={"expected_audience": self.audience},
            ) from None
        except jwt.InvalidIssuerError:
            raise Unauthenticated(
                f'the JWT must be issued by "{self.issuer}"',
                reason="TOKEN_WRONG_ISSUER",
                metadata={"expected_issuer": self.issuer},
            ) from None
        except jwt.MissingRequiredClaimError as exc:
            raise invalid(f"the JWT has no {exc.claim} claim") from None
        except jwt.InvalidSignatureError:
            raise invalid("the JWT's signature does not verify") from None
        except jwt.PyJWTError:
            raise invalid("the JWT is not valid") from None
        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject:
            raise invalid("the JWT's sub claim must name the caller")
        return Identity(subject)


def invalid(message: str) -> Unauthenticated:
    return Unauthenticated(message, reason="TOKEN_INVALID")
