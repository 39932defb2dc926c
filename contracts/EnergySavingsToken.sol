// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/// @title EnergySavingsToken
/// @notice Proof-of-savings token: one mint per verified saving, each carrying the keccak256
///         evidence hash of its verification record, which can be used only once, ever.
///         The same contract serves `kWhSave` (1 token = 1 kWh saved) and a carbon token
///         (`kgCO2eSave`, 1 token = 1 kgCO2e avoided); both have 18 decimals.
/// @dev OpenZeppelin 5 ERC20 + AccessControl. Two separate keys: the admin holds
///      DEFAULT_ADMIN_ROLE only (it manages roles and cannot mint), the minter holds MINTER_ROLE
///      only (it mints and anchors the audit log, and cannot grant roles). Holders retire (burn)
///      their tokens exactly once per retirement id. Anchors attest the off-chain audit log.
contract EnergySavingsToken is ERC20, AccessControl {
    /// @notice Role allowed to mint against verified evidence and to anchor the audit log.
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");

    /// @notice Evidence hashes already minted against (true once used).
    mapping(bytes32 evidenceHash => bool used) public evidenceUsed;

    /// @notice Retirement ids already used by each holder (true once used).
    mapping(address holder => mapping(bytes32 retireId => bool used)) public retireIdUsed;

    /// @notice A mint of `amount` (18 decimals) to `to` backed by the verification `evidenceHash`.
    event SavingsMinted(address indexed to, uint256 amount, bytes32 indexed evidenceHash);

    /// @notice `from` retired (burned) `amount` of its tokens as retirement `retireId`, with a
    ///         free-text reason.
    event Retired(address indexed from, uint256 amount, bytes32 indexed retireId, string reason);

    /// @notice The off-chain audit log's first `rows` rows hash-chain to `head`; sent by `by`.
    event AuditAnchored(bytes32 indexed head, uint256 rows, address indexed by);

    /// @notice The amount is zero.
    error ZeroAmount();
    /// @notice The evidence hash is zero.
    error ZeroEvidenceHash();
    /// @notice The evidence hash was minted against before.
    error EvidenceAlreadyUsed(bytes32 evidenceHash);
    /// @notice The admin address given to the constructor is zero.
    error ZeroAdmin();
    /// @notice The minter address given to the constructor is zero.
    error ZeroMinter();
    /// @notice The retirement id is zero.
    error ZeroRetireId();
    /// @notice The caller already retired under this retirement id.
    error RetireIdAlreadyUsed(bytes32 retireId);

    /// @param name_ Token name, e.g. "Energy Savings kWh".
    /// @param symbol_ Token symbol, e.g. "kWhSave".
    /// @param admin Receives DEFAULT_ADMIN_ROLE (role management) only.
    /// @param minter Receives MINTER_ROLE (mint, anchor) only; may equal `admin` for one-key setups.
    constructor(string memory name_, string memory symbol_, address admin, address minter)
        ERC20(name_, symbol_)
    {
        if (admin == address(0)) revert ZeroAdmin();
        if (minter == address(0)) revert ZeroMinter();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(MINTER_ROLE, minter);
    }

    /// @notice Mint `amount` (18 decimals) to `to` against a verification's evidence hash.
    /// @dev Reverts with ZeroAmount, ZeroEvidenceHash, EvidenceAlreadyUsed, or OpenZeppelin's
    ///      AccessControlUnauthorizedAccount / ERC20InvalidReceiver.
    function mint(address to, uint256 amount, bytes32 evidenceHash) external onlyRole(MINTER_ROLE) {
        if (amount == 0) revert ZeroAmount();
        if (evidenceHash == bytes32(0)) revert ZeroEvidenceHash();
        if (evidenceUsed[evidenceHash]) revert EvidenceAlreadyUsed(evidenceHash);
        evidenceUsed[evidenceHash] = true;
        _mint(to, amount);
        emit SavingsMinted(to, amount, evidenceHash);
    }

    /// @notice Burn `amount` (18 decimals) of the caller's tokens as retirement `retireId`,
    ///         recording why. Each (caller, retireId) burns at most once, ever, so a retried
    ///         retirement can never burn twice.
    /// @dev Reverts with ZeroAmount, ZeroRetireId, RetireIdAlreadyUsed or OpenZeppelin's
    ///      ERC20InsufficientBalance.
    function retire(uint256 amount, bytes32 retireId, string calldata reason) external {
        if (amount == 0) revert ZeroAmount();
        if (retireId == bytes32(0)) revert ZeroRetireId();
        address holder = _msgSender();
        if (retireIdUsed[holder][retireId]) revert RetireIdAlreadyUsed(retireId);
        retireIdUsed[holder][retireId] = true;
        _burn(holder, amount);
        emit Retired(holder, amount, retireId, reason);
    }

    /// @notice Anchor the off-chain audit log: its first `rows` rows hash-chain to `head`.
    ///         Moves no tokens and stores nothing; the event is the record.
    /// @dev Reverts with OpenZeppelin's AccessControlUnauthorizedAccount unless the caller holds
    ///      MINTER_ROLE.
    function anchor(bytes32 head, uint256 rows) external onlyRole(MINTER_ROLE) {
        emit AuditAnchored(head, rows, _msgSender());
    }
}
