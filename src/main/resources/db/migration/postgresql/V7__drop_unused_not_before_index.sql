-- commands_state_not_before served CommandRepository.nextNotBefore, which is gone (as sqlite/V7).
DROP INDEX IF EXISTS commands_state_not_before;
