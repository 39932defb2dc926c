"""Signing keys for JSON-RPC chains: a hex private key in an environment variable, or an encrypted
keystore file (Web3 Secret Storage, eth-account) whose password is in an environment variable.

Key material stays in memory inside a :class:`tools.chain.LocalSigner`: it is never logged,
printed, stored in the ledger or put in an exception message (messages name the variable or the
file, never the value).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from eth_account import Account

from tools.chain.client import LocalSigner, SignerError

DEFAULT_KEY_ENV = "GREENOPS_CHAIN_PRIVATE_KEY"
DEFAULT_PASSWORD_ENV = "GREENOPS_CHAIN_KEYSTORE_PASSWORD"


def signer_from_key_env(env: Mapping[str, str], key_env: str = DEFAULT_KEY_ENV) -> LocalSigner | None:
    """A signer from the hex private key in ``env[key_env]``; None if the variable is unset."""
    raw = (env.get(key_env) or "").strip()
    if not raw:
        return None
    try:
        return LocalSigner(Account.from_key(raw))
    except (ValueError, TypeError) as exc:
        raise SignerError(f"${key_env} does not hold a valid hex private key "
                          f"({type(exc).__name__})") from None


def signer_from_keystore(path: Path, env: Mapping[str, str],
                         password_env: str = DEFAULT_PASSWORD_ENV) -> LocalSigner:
    """A signer from an encrypted keystore JSON file, decrypted with ``env[password_env]``."""
    password = env.get(password_env)
    if password is None:
        raise SignerError(f"keystore {path} needs its password in ${password_env}, which is unset")
    try:
        keyfile = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise SignerError(f"keystore file {path} does not exist") from None
    except (OSError, json.JSONDecodeError) as exc:
        raise SignerError(f"keystore file {path} is not readable JSON ({type(exc).__name__})") from None
    try:
        key = Account.decrypt(keyfile, password)
    except ValueError:
        raise SignerError(f"cannot decrypt keystore {path}: wrong password in ${password_env} "
                          f"(MAC mismatch) or a damaged file") from None
    return LocalSigner(Account.from_key(key))


def write_keystore(path: Path, private_key: bytes, password: str) -> str:
    """Encrypt ``private_key`` with ``password`` into a keystore file (mode 600); returns its address."""
    keyfile = Account.encrypt(private_key, password)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.write_text(json.dumps(keyfile))
    return str(Account.from_key(private_key).address)


def configured_signer(env: Mapping[str, str], *, key_env: str = DEFAULT_KEY_ENV,
                      keystore: Path | None = None,
                      password_env: str = DEFAULT_PASSWORD_ENV) -> LocalSigner | None:
    """The configured local signer: the env key first, else the keystore, else None."""
    signer = signer_from_key_env(env, key_env)
    if signer is not None:
        return signer
    if keystore is not None:
        return signer_from_keystore(keystore, env, password_env)
    return None
