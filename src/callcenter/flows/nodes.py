"""The eleven node kinds of a call flow: their settings (``data``), defaults and outputs (handles).

Each node is ``{"id", "type", "position", "label", "data"}``; ``type`` picks the settings model (a
discriminated union). An edge leaves a node through one of the node's handles:

==============  ==========================================  =========================================
kind            required handles                            optional handles
==============  ==========================================  =========================================
start           next
ivr_menu        every option key, timeout                   invalid (unconnected: follows timeout)
gather          success, timeout                            invalid (unconnected: follows timeout)
play            next
business_hours  open, closed                                holiday (unconnected: follows closed)
router          (none: the campaign's dial plan takes over)
splitter        every branch key (+ default for time_based)
pixel           next
action          (none)                                      transfer: success, failure
condition       yes, no
end             (none)
==============  ==========================================  =========================================

An edge with no ``source_handle`` leaves through ``next`` (the only output of start, play and pixel).

Which outputs are taken without the caller doing anything matters for loops: a menu's or a gather's
``timeout`` output, and every output of the other kinds, fire on their own, so a cycle made only of
those would spin without the caller; the input outputs (keys, ``success``, ``invalid``) need a key press.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from callcenter.buyers.schedules import Schedule, WeeklyHours
from callcenter.flows import expressions
from callcenter.kit import templating
from callcenter.kit.fields import E164, Destination, Timezone
from callcenter.kit.url_safety import UnsafeUrl, check_scheme
from callcenter.telephony.instructions import VOICE, Play, Say

NEXT = "next"
TIMEOUT = "timeout"
INVALID = "invalid"
SUCCESS = "success"
FAILURE = "failure"
OPEN = "open"
CLOSED = "closed"
HOLIDAY = "holiday"
YES = "yes"
NO = "no"
DEFAULT = "default"


class NodeKind(StrEnum):
    START = "start"
    IVR_MENU = "ivr_menu"
    GATHER = "gather"
    PLAY = "play"
    BUSINESS_HOURS = "business_hours"
    ROUTER = "router"
    SPLITTER = "splitter"
    PIXEL = "pixel"
    ACTION = "action"
    CONDITION = "condition"
    END = "end"


# --- field types ------------------------------------------------------------------------------------

# The voices Twilio's TwiML schema accepts: the classic ones and Amazon Polly's ("Polly.Joanna").
Voice = Annotated[
    str,
    StringConstraints(pattern=r"^(man|woman|male|female|eve|brian|Polly\.[A-Za-z]+)$"),
    Field(description="man, woman or an Amazon Polly voice such as Polly.Joanna", examples=[VOICE]),
]
SpokenText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Label = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
NodeId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")]
TimeoutSeconds = Annotated[int, Field(ge=1, le=60, description="Seconds of silence before the timeout")]
MaxRetries = Annotated[
    int, Field(ge=0, le=5, description="Times the prompt is repeated after no input or a wrong key")
]


def _check_audio_url(url: str) -> str:
    try:
        check_scheme(url)
    except UnsafeUrl as exc:
        raise ValueError(f"audio_url: {exc}") from exc
    return url


AudioUrl = Annotated[str, StringConstraints(max_length=1000), AfterValidator(_check_audio_url)]

_QUANTIFIED_GROUP = re.compile(r"\)[*+{]")


def check_digit_pattern(pattern: str) -> str:
    """A gather node's pattern: a regular expression the whole entry must match, safe by construction.

    Repetition (``* + {n,m}``) may follow a character or a class (``\\d{5}``, ``[0-9]+``) but not a group:
    nested repetition such as ``(\\d+)+`` backtracks exponentially. A group may be optional (``(...)?``).
    Backreferences and lookarounds are refused for the same reason.
    """
    if len(pattern) > 100:
        raise ValueError("pattern too long (limit 100 characters)")
    if re.search(r"\\[1-9]|\(\?[=!<]|\(\?P", pattern):
        raise ValueError("pattern: backreferences and lookarounds are not allowed")
    if _QUANTIFIED_GROUP.search(pattern):
        raise ValueError("pattern: repeat characters or classes, not groups (write [0-9]{5}, not (\\d){5})")
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"pattern is not a valid regular expression: {exc}") from exc
    return pattern


DigitPattern = Annotated[str, AfterValidator(check_digit_pattern)]
Expression = Annotated[
    str,
    StringConstraints(max_length=expressions.MAX_SOURCE_LENGTH),
    AfterValidator(expressions.check),
    Field(examples=['state in ["CA", "NV"] and hour >= 9']),
]


def _exactly_one(text: str | None, audio_url: str | None, text_name: str) -> None:
    if (text is None) == (audio_url is None):
        raise ValueError(f"give either {text_name} (spoken) or audio_url (played), not both or neither")


def speech(text: str | None, audio_url: str | None, voice: str, *, loop: int = 1) -> Say | Play:
    if audio_url is not None:
        return Play(audio_url, loop=loop)
    return Say(text or "", voice=voice, loop=loop)


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Position(BaseModel):
    model_config = ConfigDict(extra="forbid")

    x: float = 0
    y: float = 0


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: NodeId
    position: Position = Field(default_factory=Position)
    label: Label | None = None

    def terminal(self) -> bool:
        """Whether the node accepts no outgoing edge (the dial plan, voicemail, hang-up, end)."""
        return False

    def required_handles(self) -> list[str]:
        return [NEXT]

    def optional_handles(self) -> list[str]:
        return []

    def input_handles(self) -> frozenset[str]:
        """Outputs taken only after the caller pressed keys."""
        return frozenset()


# --- start, play, end ---------------------------------------------------------------------------------


class StartData(_Data):
    pass


class StartNode(_Node):
    """Where every call enters the flow. Exactly one per flow; nothing may lead back to it."""

    type: Literal["start"] = "start"
    data: StartData = Field(default_factory=StartData)


class PlayData(_Data):
    text: SpokenText | None = Field(default=None, description="Spoken with `voice`")
    audio_url: AudioUrl | None = Field(default=None, description="An MP3/WAV played instead of text")
    voice: Voice = VOICE
    loop: int = Field(default=1, ge=1, le=10, description="Times it is played")

    @model_validator(mode="after")
    def _one_source(self) -> PlayData:
        _exactly_one(self.text, self.audio_url, "text")
        return self


class PlayNode(_Node):
    """Says a text or plays an audio file, then continues through ``next``."""

    type: Literal["play"] = "play"
    data: PlayData


class EndData(_Data):
    message: SpokenText | None = Field(default=None, description="Said before hanging up")
    voice: Voice = VOICE


class EndNode(_Node):
    """Says its message (if any) and hangs up."""

    type: Literal["end"] = "end"
    data: EndData = Field(default_factory=EndData)

    def terminal(self) -> bool:
        return True

    def required_handles(self) -> list[str]:
        return []


# --- caller input ---------------------------------------------------------------------------------------


class _Prompted(_Data):
    prompt: SpokenText | None = Field(default=None, description="Spoken while waiting for keys")
    audio_url: AudioUrl | None = Field(default=None, description="Played instead of the prompt text")
    voice: Voice = VOICE
    timeout_seconds: TimeoutSeconds = 5
    max_retries: MaxRetries = 2
    invalid_message: SpokenText | None = Field(
        default="Sorry, that is not a valid choice.", description="Said before the prompt after a wrong key"
    )
    no_input_message: SpokenText | None = Field(
        default=None, description="Said before the prompt is repeated after silence"
    )

    @model_validator(mode="after")
    def _one_source(self) -> _Prompted:
        _exactly_one(self.prompt, self.audio_url, "prompt")
        return self

    def speech(self) -> Say | Play:
        return speech(self.prompt, self.audio_url, self.voice)


class MenuOption(_Data):
    key: Annotated[str, StringConstraints(pattern=r"^[0-9*#]$")] = Field(description="One key: 0-9, * or #")
    label: Label | None = None


class IvrMenuData(_Prompted):
    options: list[MenuOption] = Field(min_length=1, max_length=12)

    @model_validator(mode="after")
    def _unique_keys(self) -> IvrMenuData:
        keys = [option.key for option in self.options]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise ValueError(f"menu keys must be unique; repeated: {', '.join(duplicates)}")
        return self


class IvrMenuNode(_Node):
    """Plays the prompt and waits for one key.

    A key of the menu follows its output. Silence repeats the prompt up to ``max_retries`` times (after
    ``no_input_message``), then follows ``timeout``. A key not in the menu repeats the prompt after
    ``invalid_message``, counting as a retry, then follows ``invalid`` (or ``timeout`` when ``invalid`` is
    not connected).
    """

    type: Literal["ivr_menu"] = "ivr_menu"
    data: IvrMenuData

    def required_handles(self) -> list[str]:
        return [*(option.key for option in self.data.options), TIMEOUT]

    def optional_handles(self) -> list[str]:
        return [INVALID]

    def input_handles(self) -> frozenset[str]:
        return frozenset({*(option.key for option in self.data.options), INVALID})


Variable = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,31}$")]


class GatherData(_Prompted):
    variable: Variable = Field(
        default="input", description="The entry is kept as gathered.<variable> for conditions and pixels"
    )
    num_digits: int | None = Field(default=None, ge=1, le=32, description="Stop after this many keys")
    finish_on_key: Literal["#", "*", ""] = Field(default="#", description="Key that ends the entry")
    pattern: DigitPattern | None = Field(default=None, description="Regular expression the entry must match")
    invalid_message: SpokenText | None = "Sorry, that entry is not valid."


class GatherNode(_Node):
    """Collects several keys (a ZIP code, an account number) into ``gathered.<variable>``.

    An entry that matches ``pattern`` (and has ``num_digits`` keys when set) follows ``success``; retries,
    ``timeout`` and ``invalid`` work as in the menu.
    """

    type: Literal["gather"] = "gather"
    data: GatherData

    def required_handles(self) -> list[str]:
        return [SUCCESS, TIMEOUT]

    def optional_handles(self) -> list[str]:
        return [INVALID]

    def input_handles(self) -> frozenset[str]:
        return frozenset({SUCCESS, INVALID})


# --- decisions ------------------------------------------------------------------------------------------


class BusinessHoursData(_Data):
    schedule: Schedule = Field(
        description="Time zone, weekly ranges (several per day, overnight allowed) and holidays"
    )


class BusinessHoursNode(_Node):
    """Follows ``open`` inside the schedule's hours, ``holiday`` on a holiday (``closed`` when
    ``holiday`` is not connected) and ``closed`` otherwise, on the schedule's own wall clock."""

    type: Literal["business_hours"] = "business_hours"
    data: BusinessHoursData

    def required_handles(self) -> list[str]:
        return [OPEN, CLOSED]

    def optional_handles(self) -> list[str]:
        return [HOLIDAY]


class SplitStrategy(StrEnum):
    PERCENTAGE = "percentage"
    WEIGHTED = "weighted"
    TIME_BASED = "time_based"
    ROUND_ROBIN = "round_robin"


BranchKey = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$")]


class SplitBranch(_Data):
    key: BranchKey = Field(description="The branch's output handle")
    label: Label | None = None
    percentage: int | None = Field(default=None, ge=0, le=100, description="percentage: share of calls")
    weight: int | None = Field(default=None, ge=0, le=100, description="weighted: relative weight, 0 = off")
    hours: WeeklyHours | None = Field(default=None, description="time_based: when this branch applies")


class SplitterData(_Data):
    strategy: SplitStrategy
    branches: list[SplitBranch] = Field(min_length=1, max_length=10)
    timezone: Timezone | None = Field(default=None, description="time_based: the clock the hours follow")

    @model_validator(mode="after")
    def _strategy_fields(self) -> SplitterData:
        keys = [branch.key for branch in self.branches]
        if len(set(keys)) != len(keys):
            raise ValueError("branch keys must be unique")
        if DEFAULT in keys:
            raise ValueError("'default' is reserved for the time_based fallback output")
        if self.strategy is SplitStrategy.PERCENTAGE:
            shares = [branch.percentage for branch in self.branches]
            if any(share is None for share in shares):
                raise ValueError("percentage: every branch needs a percentage")
            total = sum(share or 0 for share in shares)
            if total != 100:
                raise ValueError(f"percentages must sum to 100, not {total}")
        elif self.strategy is SplitStrategy.WEIGHTED:
            weights = [branch.weight for branch in self.branches]
            if any(weight is None for weight in weights):
                raise ValueError("weighted: every branch needs a weight")
            if sum(weight or 0 for weight in weights) == 0:
                raise ValueError("weighted: at least one weight must be above 0")
        elif self.strategy is SplitStrategy.TIME_BASED:
            if self.timezone is None:
                raise ValueError("time_based: timezone is required")
            if any(branch.hours is None or not branch.hours.ranges() for branch in self.branches):
                raise ValueError("time_based: every branch needs hours")
        return self


class SplitterNode(_Node):
    """Sends calls down one of its branches.

    - percentage: at random, each branch getting its percentage of calls (they sum to 100);
    - weighted: at random in proportion to the weights (0 switches a branch off);
    - time_based: the first branch whose weekly hours contain the current time (in ``timezone``),
      else ``default``;
    - round_robin: each call takes the next branch in turn (a rotation shared by every server process).
    """

    type: Literal["splitter"] = "splitter"
    data: SplitterData

    def required_handles(self) -> list[str]:
        keys = [branch.key for branch in self.data.branches]
        return [*keys, DEFAULT] if self.data.strategy is SplitStrategy.TIME_BASED else keys


class ConditionData(_Data):
    expression: Expression = Field(description="Safe expression language; see the call flow guide")


class ConditionNode(_Node):
    """Follows ``yes`` when the expression is true, ``no`` when false. An expression that fails while a
    call runs (text where a number is needed...) is a runtime fault: the call falls back to routing."""

    type: Literal["condition"] = "condition"
    data: ConditionData

    def required_handles(self) -> list[str]:
        return [YES, NO]


# --- effects --------------------------------------------------------------------------------------------

PIXEL_TOKENS = frozenset(
    {
        "call_id",
        "call_sid",
        "caller",
        "called",
        "caller_state",
        "caller_zip",
        "caller_city",
        "campaign_id",
        "flow_id",
        "node_id",
        "digits",
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "utm_term",
        "utm_content",
        "gclid",
        "timestamp",
    }
)
_HEADER_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$")


def _check_tokens(template: str) -> str:
    unknown = [
        token
        for token in templating.unknown_tokens(template, PIXEL_TOKENS)
        if not re.fullmatch(r"gathered\.[a-z][a-z0-9_]{0,31}", token)
    ]
    if unknown:
        raise ValueError(
            f"unknown token(s) {', '.join('{' + t + '}' for t in unknown)}; "
            f"known: {', '.join(sorted(PIXEL_TOKENS))} and gathered.<variable>"
        )
    return template


def _check_pixel_url(url: str) -> str:
    _check_tokens(url)
    try:
        check_scheme(templating.render(url, {}))
    except UnsafeUrl as exc:
        raise ValueError(str(exc)) from exc
    return url


class PixelData(_Data):
    url: Annotated[str, StringConstraints(max_length=2000), AfterValidator(_check_pixel_url)] = Field(
        description="{token}s are URL-encoded", examples=["https://tracker.example.com/p?caller={caller}"]
    )
    method: Literal["GET", "POST"] = "GET"
    headers: dict[str, Annotated[str, StringConstraints(max_length=1000)]] = Field(
        default_factory=dict, max_length=20
    )
    body: Annotated[str, StringConstraints(max_length=10_000), AfterValidator(_check_tokens)] | None = None

    @model_validator(mode="after")
    def _body_and_headers(self) -> PixelData:
        if self.body is not None and self.method == "GET":
            raise ValueError("a GET pixel has no body")
        bad = [name for name in self.headers if not _HEADER_NAME.match(name)]
        if bad:
            raise ValueError(f"invalid header name(s): {', '.join(bad)}")
        return self


class PixelNode(_Node):
    """Queues an HTTP request (a tracking pixel) for delivery by the integrations outbox, in the call's
    transaction, and continues at once: the caller never waits for the tracker."""

    type: Literal["pixel"] = "pixel"
    data: PixelData


class TransferAction(_Data):
    action: Literal["transfer"] = "transfer"
    number: Destination = Field(description="E.164 number or sip: URI")
    timeout_seconds: int = Field(default=30, ge=5, le=120)
    caller_id: E164 | None = Field(default=None, description="Number shown to the callee; default the caller")
    message: SpokenText | None = Field(default=None, description="Said before dialing")
    voice: Voice = VOICE
    record: bool = False


class VoicemailAction(_Data):
    action: Literal["voicemail"] = "voicemail"
    prompt: SpokenText = "Please leave a message after the tone."
    voice: Voice = VOICE
    max_length_seconds: int = Field(default=120, ge=5, le=600)
    play_beep: bool = True
    message_after: SpokenText | None = Field(
        default="Thank you. Goodbye.", description="Said after recording"
    )


class HangupAction(_Data):
    action: Literal["hangup"] = "hangup"
    message: SpokenText | None = None
    voice: Voice = VOICE


ActionData = Annotated[TransferAction | VoicemailAction | HangupAction, Field(discriminator="action")]


class ActionNode(_Node):
    """transfer: dials a fixed number; ``success`` when it was answered, ``failure`` otherwise (hangs up
    after an answered transfer when ``success`` is not connected; continues with the campaign's normal
    routing after a failed one when ``failure`` is not connected). voicemail: records a message (the
    recording is stored on the call), then hangs up. hangup: says the message and hangs up."""

    type: Literal["action"] = "action"
    data: ActionData

    def terminal(self) -> bool:
        return not isinstance(self.data, TransferAction)

    def required_handles(self) -> list[str]:
        return []

    def optional_handles(self) -> list[str]:
        return [SUCCESS, FAILURE] if isinstance(self.data, TransferAction) else []


class RouterData(_Data):
    message: SpokenText | None = Field(default=None, description='Said before dialing ("Connecting you")')
    voice: Voice = VOICE


class RouterNode(_Node):
    """Hands the call to the campaign's dial plan: eligible targets (and RTB bids when the campaign uses
    them) in the order of its routing strategy, with fall-through, then the fallback number."""

    type: Literal["router"] = "router"
    data: RouterData = Field(default_factory=RouterData)

    def terminal(self) -> bool:
        return True

    def required_handles(self) -> list[str]:
        return []


AnyNode = (
    StartNode
    | IvrMenuNode
    | GatherNode
    | PlayNode
    | BusinessHoursNode
    | RouterNode
    | SplitterNode
    | PixelNode
    | ActionNode
    | ConditionNode
    | EndNode
)
Node = Annotated[AnyNode, Field(discriminator="type")]


def handles_of(node: AnyNode) -> frozenset[str]:
    return frozenset(node.required_handles()) | frozenset(node.optional_handles())
