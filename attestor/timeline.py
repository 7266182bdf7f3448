"""Where each sample lands on the window timeline when the wall clock steps (pure: no clock
is read here; the caller passes the wall time and a monotonic time of each tick).

Windows are labelled in unix time, so the timeline follows the wall clock. Elapsed time is
measured with the monotonic clock, and the two are compared at every tick: while they agree
(within ``tolerance_s``), a sample lands at its wall time, exactly as before. When they
disagree the wall clock has stepped:

- **Forward** (wall ahead of wall-at-last-tick + monotonic elapsed): the timeline keeps
  following the monotonic clock for ``hold_s``; a step undone within that time (forward and
  back again) leaves no trace. A step that holds is then accepted: the timeline jumps to the
  wall time and the exact counter difference is spread over the skipped windows (gap windows,
  less energy per window than was measured: never above the cap).
- **Back** (wall behind): closed windows are signed and cannot be re-cut, so the timeline
  keeps moving forward, ahead of the wall clock, and *slews* back to it: each tick advances
  the timeline by less than the elapsed time -- by at least ``(1 - MAX_SLEW)`` of it and never
  by so little that the energy of the tick would exceed ``CAP_MARGIN`` of the registered max
  power over the label time it is given. Without a cap the timeline advances by the elapsed
  time (it stays ahead of the wall clock; no window is ever denser than the real power).

Either way every sample is booked (the sum of the windows is the counter difference) and the
windows the step touched are marked ``estimated``. Each detected step is kept in ``steps``
for the agent to log and count.
"""

from __future__ import annotations

from dataclasses import dataclass, field

STEP_TOLERANCE_S = 1.0  # wall and monotonic clocks disagree by more: the wall clock stepped
MAX_SLEW = 0.5          # a slewing tick advances the timeline by at least half its duration
CAP_MARGIN = 0.9        # ... and books its energy at no more than 90 % of the max power
COMPRESS_FLAG_S = 0.01  # a tick shortened by more (not clock jitter) marks its window estimated


@dataclass(frozen=True)
class ClockStep:
    direction: str     # "forward" | "back"
    offset_s: float    # wall time minus timeline when the step was seen


@dataclass
class Timeline:
    hold_s: float
    max_power_mw: int | None = None
    tolerance_s: float = STEP_TOLERANCE_S
    last_s: float | None = None        # timeline position of the last booked tick
    last_mono_s: float | None = None   # its monotonic time (None after a restart)
    ahead: bool = False                # slewing back to a wall clock that stepped back
    _forward_since_mono_s: float | None = None
    steps: list[ClockStep] = field(default_factory=list)

    def drain_steps(self) -> list[ClockStep]:
        out, self.steps = self.steps, []
        return out

    def place(self, wall_s: float, mono_s: float | None, energy_mj: int,
              ) -> tuple[float, bool] | None:
        """(timeline time, off the wall clock) for a tick that measured ``energy_mj`` since
        the last booked one, or None when the timeline cannot advance yet (book nothing now:
        the counters carry the energy to a later tick). Without ``mono_s`` the wall clock is
        taken as monotonic (and a tick that is not later than the last is not booked)."""
        last = self.last_s
        if last is None:
            return self._accept(wall_s, mono_s, False)
        if mono_s is None:
            return self._accept(wall_s, None, False) if wall_s > last else None
        if self.last_mono_s is None:  # first tick after a restart: no elapsed reference
            if wall_s > last:
                return self._accept(wall_s, mono_s, False)  # downtime: gap windows
            if not self.ahead:
                self.ahead = True
                self.steps.append(ClockStep("back", wall_s - last))
            adv = self._cap_advance_s(energy_mj)
            if adv is None:  # no cap to pace by: take this tick as the elapsed reference
                self.last_mono_s = mono_s
                return None
            return self._accept(last + adv, mono_s, True)
        dt = max(0.0, mono_s - self.last_mono_s)
        offset = wall_s - (last + dt)
        if offset > self.tolerance_s:
            self.ahead = False
            if self._forward_since_mono_s is None:
                self._forward_since_mono_s = mono_s
                self.steps.append(ClockStep("forward", offset))
            if mono_s - self._forward_since_mono_s >= self.hold_s:
                self._forward_since_mono_s = None
                return self._accept(wall_s, mono_s, True)
            return self._accept(last + dt, mono_s, True)
        self._forward_since_mono_s = None  # a forward step undone within hold_s: no trace
        if offset < 0:  # wall behind the timeline: pace, never compress a tick into less
            if offset < -self.tolerance_s and not self.ahead:
                self.ahead = True
                self.steps.append(ClockStep("back", offset))
            cap_adv = self._cap_advance_s(energy_mj)
            lo = dt if cap_adv is None else max(dt * (1 - MAX_SLEW), cap_adv)
            adv = min(dt, max(lo, wall_s - last))
            return self._accept(last + adv, mono_s, self.ahead or dt - adv > COMPRESS_FLAG_S)
        was_ahead, self.ahead = self.ahead, False
        return self._accept(wall_s, mono_s, was_ahead)

    def _cap_advance_s(self, energy_mj: int) -> float | None:
        """Label time that keeps ``energy_mj`` within CAP_MARGIN of the max power."""
        if not self.max_power_mw:
            return None
        return max(0, energy_mj) / (self.max_power_mw * CAP_MARGIN)

    def _accept(self, t_s: float, mono_s: float | None, off_clock: bool,
                ) -> tuple[float, bool] | None:
        if self.last_s is not None and t_s <= self.last_s:
            return None
        self.last_s, self.last_mono_s = t_s, mono_s
        return t_s, off_clock
