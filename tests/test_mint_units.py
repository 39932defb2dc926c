"""Token layer units: exact amounts, revert decoding for both backends, keys, the artefact."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from eth_account import Account
from eth_tester.exceptions import TransactionFailed
from web3 import Web3
from web3.exceptions import ContractCustomError

from tests.conftest import REPO
from tools.chain.client import (
    ARTEFACT_PATH,
    AlreadyMintedError,
    SignerError,
    decode_revert,
    error_selectors,
    load_artefact,
    redact_url,
)
from tools.chain.keys import configured_signer, signer_from_key_env, signer_from_keystore, write_keystore
from tools.tokens import AmountError, parse_token_amount, to_units, units_to_str

ABI = load_artefact().abi


def selector(signature: str) -> bytes:
    return bytes(Web3.keccak(text=signature)[:4])


class TestAmounts:
    @pytest.mark.parametrize(("value", "units"), [
        (0.1, 10**17), (1.0, 10**18), (0.0, 0), (1e-18, 1), (1e-19, 0), (123.456, 123456 * 10**15),
        (0.30000000000000004, 300000000000000040), (2.5e-7, 250000000000),
    ])
    def test_exact_from_repr_rounding_down(self, value: float, units: int) -> None:
        assert to_units(value) == units

    def test_never_more_than_verified(self) -> None:
        for value in (0.123456789123456789123, 5.999999999999999999, 1 / 3):
            assert to_units(value) / 10**18 <= value

    @pytest.mark.parametrize("bad", [-0.1, float("nan"), float("inf")])
    def test_bad_amounts(self, bad: float) -> None:
        with pytest.raises(AmountError, match="amount"):
            to_units(bad)

    def test_parse_typed_amount(self) -> None:
        assert parse_token_amount("1.5") == 15 * 10**17
        assert parse_token_amount(" 0.000000000000000001 ") == 1
        for bad, why in (("0", "positive"), ("-1", "positive"), ("abc", "not a decimal"),
                         ("1e-19", "more than 18 decimals"), ("0.0000000000000000001", "more than 18")):
            with pytest.raises(AmountError, match=why):
                parse_token_amount(bad)

    def test_units_to_str(self) -> None:
        assert units_to_str(0) == "0"
        assert units_to_str(15 * 10**17) == "1.5"
        assert units_to_str(10**18) == "1"
        assert units_to_str(1) == "0.000000000000000001"
        assert units_to_str(10**30) == "1000000000000"


class TestRevertDecoding:
    """Each backend raises its own exception type; all decode to the contract's custom error."""

    def test_selectors_cover_contract_errors(self) -> None:
        names = {name for name, _ in error_selectors(ABI).values()}
        assert {"ZeroAmount", "ZeroEvidenceHash", "EvidenceAlreadyUsed",
                "AccessControlUnauthorizedAccount", "ERC20InsufficientBalance"} <= names

    def test_anvil_contract_custom_error(self) -> None:
        h = b"\x11" * 32
        data = "0x" + (selector("EvidenceAlreadyUsed(bytes32)") + h).hex()
        err = decode_revert(ContractCustomError(data, data=data), ABI)
        assert isinstance(err, AlreadyMintedError)
        assert err.error == "EvidenceAlreadyUsed" and err.error_args == (h,)
        assert "already minted" in str(err) and "0x" + h.hex() in str(err)

    def test_eth_tester_transaction_failed_raw_bytes(self) -> None:
        raw = selector("ZeroAmount()")
        wrapped = TransactionFailed(f"execution reverted: {raw!r}")
        err = decode_revert(wrapped, ABI)
        assert err is not None and err.error == "ZeroAmount"
        try:  # as web3 re-raises it: original bytes on the chained exception
            try:
                raise TransactionFailed(raw)
            except TransactionFailed:
                raise TransactionFailed("execution reverted: something else") from None
        except TransactionFailed as exc:
            exc.__context__ = TransactionFailed(raw)
            chained = decode_revert(exc, ABI)
        assert chained is not None and chained.error == "ZeroAmount"

    def test_unknown_and_absent_data(self) -> None:
        unknown = decode_revert(ContractCustomError("0xdeadbeef", data="0xdeadbeef"), ABI)
        assert unknown is not None and unknown.error == "unknown" and unknown.selector == "0xdeadbeef"
        assert decode_revert(RuntimeError("plain"), ABI) is None


class TestKeys:
    KEY = "0x" + "4c" * 32

    def test_key_from_env_never_in_messages(self) -> None:
        signer = signer_from_key_env({"MY_KEY": self.KEY}, "MY_KEY")
        assert signer is not None
        assert signer.address == Account.from_key(self.KEY).address
        assert self.KEY[2:] not in repr(signer)
        assert signer_from_key_env({}, "MY_KEY") is None
        with pytest.raises(SignerError, match=r"\$MY_KEY does not hold a valid") as info:
            signer_from_key_env({"MY_KEY": "0x1234nothex"}, "MY_KEY")
        assert "1234nothex" not in str(info.value)

    def test_keystore_round_trip_and_wrong_password(self, tmp_path: Path) -> None:
        path = tmp_path / "key.json"
        address = write_keystore(path, bytes.fromhex(self.KEY[2:]), "correct horse")
        assert self.KEY[2:] not in path.read_text()
        assert path.stat().st_mode & 0o077 == 0
        signer = signer_from_keystore(path, {"PW": "correct horse"}, "PW")
        assert signer.address == address
        with pytest.raises(SignerError, match="wrong password in \\$PW"):
            signer_from_keystore(path, {"PW": "wrong"}, "PW")
        with pytest.raises(SignerError, match="needs its password in \\$PW"):
            signer_from_keystore(path, {}, "PW")
        with pytest.raises(SignerError, match="does not exist"):
            signer_from_keystore(tmp_path / "nope.json", {"PW": "x"}, "PW")
        # the env key wins over the keystore
        chosen = configured_signer({"K": self.KEY}, key_env="K", keystore=path, password_env="PW")
        assert chosen is not None and chosen.address == address

    def test_redact_url(self) -> None:
        assert redact_url("http://127.0.0.1:8545") == "http://127.0.0.1:8545"
        assert redact_url("https://user:secret@rpc.example.org/v3/APIKEY?x=1") == "https://rpc.example.org/..."


class TestArtefact:
    def test_artefact_settings(self) -> None:
        raw = json.loads(ARTEFACT_PATH.read_text())
        settings = raw["compiler"]["settings"]
        assert raw["compiler"]["version"].startswith("0.8.37+")
        assert settings["evmVersion"] == "prague" and settings["optimizer"]["enabled"] is True
        assert raw["openzeppelin"].startswith("5.")
        assert {f["name"] for f in raw["abi"] if f["type"] == "function"} >= {
            "mint", "retire", "balanceOf", "totalSupply", "decimals", "MINTER_ROLE", "evidenceUsed",
            "grantRole", "hasRole"}

    def test_artefact_matches_a_fresh_compile(self) -> None:
        node = shutil.which("node")
        if node is None or not (REPO / "node_modules" / "solc").is_dir():
            pytest.fail("node and node_modules/solc are needed: run `make install-node`")
        fresh = subprocess.run([node, "contracts/compile.mjs", "--stdout"], cwd=REPO, check=True,
                               capture_output=True, text=True, timeout=120).stdout
        assert fresh == ARTEFACT_PATH.read_text()


class TestChainSettings:
    def test_defaults_and_overrides(self) -> None:
        from copilot.settings import ChainSettings, Settings

        default = Settings.from_env({}).chain
        assert default.embedded and default.port == 8545 and default.key_env == "GREENOPS_CHAIN_PRIVATE_KEY"
        custom = ChainSettings.from_env({"GREENOPS_CHAIN_RPC_URL": "http://127.0.0.1:9999",
                                         "GREENOPS_CHAIN_PORT": "9000", "GREENOPS_CHAIN_KEY_ENV": "MY_KEY",
                                         "GREENOPS_CHAIN_KEYSTORE": "/k.json",
                                         "GREENOPS_CHAIN_TIMEOUT_S": "5"})
        assert not custom.embedded and custom.port == 9000 and custom.key_env == "MY_KEY"
        assert str(custom.keystore) == "/k.json" and custom.receipt_timeout_s == 5.0

    @pytest.mark.parametrize(("name", "value", "why"), [
        ("GREENOPS_CHAIN_PORT", "eighty", "is not a number"),
        ("GREENOPS_CHAIN_PORT", "70000", "outside 1..65535"),
        ("GREENOPS_CHAIN_PORT", "80.5", "not an integer port"),
        ("GREENOPS_CHAIN_TIMEOUT_S", "0", "outside"),
    ])
    def test_bad_values_name_the_variable(self, name: str, value: str, why: str) -> None:
        from copilot.settings import ChainSettings

        with pytest.raises(ValueError, match=f"{name}={value!r}.*{why}"):
            ChainSettings.from_env({name: value})
