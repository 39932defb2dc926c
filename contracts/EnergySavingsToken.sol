// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/// @title EnergySavingsToken
/// @notice Proof-of-savings token: one mint per verified saving, each carrying the keccak256
///         evidence hash of its verification record, which can be used only once, ever.
///         The same contract serves `kWhSave` (1 token = 1 kWh saved) and a carbon token
///         (`kgCO2eSave`, 1 token = 1 kgCO2e avoided); both have 18 decimals.
/// @dev OpenZeppelin 5 ERC20 + AccessControl. Holders retire (burn) tokens to claim a saving.
contract EnergySavingsToken is ERC20, AccessControl {
    /// @notice Role allowed to mint against verified evidence.
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");

    /// @notice Evidence hashes already minted against (true once used).
    mapping(bytes32 evidenceHash => bool used) public evidenceUsed;

    /// @notice A mint of `amount` (18 decimals) to `to` backed by the verification `evidenceHash`.
    event SavingsMinted(address indexed to, uint256 amount, bytes32 indexed evidenceHash);

    /// @notice `from` retired (burned) `amount` of its tokens, with a free-text reason.
    event Retired(address indexed from, uint256 amount, string reason);

    /// @notice The amount is zero.
    error ZeroAmount();
    /// @notice The evidence hash is zero.
    error ZeroEvidenceHash();
    /// @notice The evidence hash was minted against before.
    error EvidenceAlreadyUsed(bytes32 evidenceHash);
    /// @notice The admin address given to the constructor is zero.
    error ZeroAdmin();

    /// @param name_ Token name, e.g. "Energy Savings kWh".
    /// @param symbol_ Token symbol, e.g. "kWhSave".
    /// @param admin Receives DEFAULT_ADMIN_ROLE and MINTER_ROLE.
    constructor(string memory name_, string memory symbol_, address admin) ERC20(name_, symbol_) {
        if (admin == address(0)) revert ZeroAdmin();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(MINTER_ROLE, admin);
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

    /// @notice Burn `amount` (18 decimals) of the caller's tokens, recording why.
    /// @dev Reverts with ZeroAmount or OpenZeppelin's ERC20InsufficientBalance.
    function retire(uint256 amount, string calldata reason) external {
        if (amount == 0) revert ZeroAmount();
        _burn(_msgSender(), amount);
        emit Retired(_msgSender(), amount, reason);
    }
}
