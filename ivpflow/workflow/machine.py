"""The phase state machine: one shared `transitions` machine per workflow definition."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from transitions import Machine, MachineError

from ..errors import TransitionError
from ..i18n import _
from .model import Blockers, Definition


class PhaseModel:
    """The unit of work the machine moves: the process's phase and what blocks leaving it."""

    def __init__(self, phase: str, blockers: Callable[[str], Blockers]) -> None:
        self.phase = phase
        self._blockers = blockers
        self.blocked: Blockers = {}

    def may_leave(self, event: Any) -> bool:
        """Guard: no required task or decision of the phases being left is open (or forced)."""
        if event.kwargs.get("force"):
            return True
        self.blocked = {}
        for phase in event.kwargs.get("leaving", [self.phase]):
            for label, ids in self._blockers(phase).items():
                self.blocked.setdefault(label, []).extend(ids)
        return not any(self.blocked.values())


@lru_cache(maxsize=64)
def machine_for(definition: Definition) -> Machine:
    """The machine of a definition, built once and shared by every process that uses it."""
    phases = definition.phase_ids
    transitions: list[dict[str, Any]] = []
    for index, phase in enumerate(phases):
        transitions.append({"trigger": f"to_{phase}", "source": phases[:index], "dest": phase,
                            "conditions": "may_leave"})
        if index + 1 < len(phases):
            transitions.append({"trigger": f"reopen_{phase}", "source": phases[index + 1:],
                                "dest": phase})
    return Machine(
        model=None,
        states=phases,
        transitions=[t for t in transitions if t["source"]],
        initial=phases[0],
        auto_transitions=False,
        send_event=True,
        model_attribute="phase",
    )


def fire(definition: Definition, model: PhaseModel, trigger: str, **kwargs: Any) -> bool:
    """Run one trigger of the shared machine on a model, for just this call.

    The event is fired on the model directly: attaching the model to the machine (and
    detaching it again) would only add the trigger methods nobody calls, at a cost several
    times that of the transition itself.
    """
    event = machine_for(definition).events.get(trigger)
    if event is None:
        raise TransitionError(None, model.phase,
                              _("Cannot go from '{phase}': no transition '{trigger}'").format(
                                  phase=model.phase, trigger=trigger))
    try:
        return bool(event.trigger(model, **kwargs))
    except MachineError:
        # The English is transitions' own wording (its only MachineError here is an event
        # fired from a state it does not leave), written out so that it can be translated.
        raise TransitionError(None, model.phase, _(
            "Cannot go from '{phase}': Can't trigger event {trigger} from state {phase}!"
        ).format(phase=model.phase, trigger=trigger)) from None
