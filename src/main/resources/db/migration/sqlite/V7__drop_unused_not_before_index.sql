-- commands_state_not_before served CommandRepository.nextNotBefore, which is gone: the sweeps find
-- scheduled commands through the due condition (commands_state_expires). Every state change of a
-- command paid for keeping it up to date.
DROP INDEX IF EXISTS commands_state_not_before;
