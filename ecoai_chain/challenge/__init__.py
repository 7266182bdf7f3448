"""The challenge game (contracts/ChallengeManager.sol): the pure slot draw and the openings."""
