package exprun

import "github.com/exprun/exprun/clients/go/exprunv1"

// RunState is the one state type of the layer: the generated enum, for runs and executions
// alike (Run.State, Run.End, Run.UpdateState, WithState, Execution.State).
type RunState = exprunv1.RunState

// The states, without the generated RunState_RUN_STATE_ prefix.
const (
	RunStateUnspecified = exprunv1.RunState_RUN_STATE_UNSPECIFIED
	RunStateNew         = exprunv1.RunState_RUN_STATE_NEW
	RunStateRunning     = exprunv1.RunState_RUN_STATE_RUNNING
	RunStateComplete    = exprunv1.RunState_RUN_STATE_COMPLETE
	RunStateFailed      = exprunv1.RunState_RUN_STATE_FAILED
	RunStateCached      = exprunv1.RunState_RUN_STATE_CACHED
	RunStateCancelled   = exprunv1.RunState_RUN_STATE_CANCELLED
)
