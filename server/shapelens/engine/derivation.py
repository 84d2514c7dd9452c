"""The "why" behind a number: formulas, the values put into them, and the Keras defaults relied on.

Layer rules record steps while they compute; the hover renders them, e.g.

    out = floor((150 + 2·0 − 1·(3 − 1) − 1) / 1) + 1 = 148
    params = (3 · 3 · 3 + 1) · 16 = 448
    defaults: padding="valid", strides=(1, 1), use_bias=True
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Step:
    label: str        # what is computed: "height", "params", "output"
    formula: str      # the general rule, with names: "floor((in + 2·pad − dil·(k − 1) − 1) / stride) + 1"
    substituted: str  # the rule with this layer's numbers: "floor((150 + 2·0 − 1·(3 − 1) − 1) / 1) + 1"
    result: str       # "148"

    def render(self) -> str:
        if self.substituted and self.substituted != self.result:
            return f"{self.label} = {self.substituted} = {self.result}"
        return f"{self.label} = {self.result}"


@dataclass
class Derivation:
    steps: list[Step] = field(default_factory=list)
    defaults: list[str] = field(default_factory=list)  # 'padding="valid"', rendered as name=value
    notes: list[str] = field(default_factory=list)

    def step(self, label: str, formula: str, substituted: str, result: object) -> None:
        self.steps.append(Step(label, formula, substituted, str(result)))

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def render_lines(self) -> list[str]:
        lines = [s.render() for s in self.steps]
        if self.defaults:
            lines.append("Keras defaults: " + ", ".join(self.defaults))
        lines.extend(self.notes)
        return lines
