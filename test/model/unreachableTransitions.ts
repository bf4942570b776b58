// Transitions of the real authMachine that the generated paths do not take, each with the
// reason. `environmentModel.test.ts` fails when a transition is neither taken nor listed here,
// and when one listed here is taken (so this list cannot go stale).
//
// "unreachable" means no public API call or environment step of the core client can trigger it.

export const UNREACHABLE_TRANSITIONS: Record<string, string> = {}
