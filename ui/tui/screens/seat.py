"""A team's or an observer's seat in a live session: the inbox on the left (the
briefing and this turn's module first, then every inject the host delivered to the
seat, newest first) and the selected one in full on the right. A team decides or
answers with `d`, for its own team only; the host checks that too. Everything shown
comes from the last view the host sent."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from engine.commands import CommandError
from engine.views import CommonInject, CommonView, PlayerInject, PlayerView
from ui.live.protocol import DecideCmd
from ui.live.remote import SeatLink
from ui.tui.screens.decision import DecisionForm, DecisionScreen
from ui.tui.screens.session import short_title
from ui.tui.widgets.footer import TTXFooter
from ui.tui.widgets.plain import plain
from ui.tui.widgets.seat_message import SeatMessage

BRIEFING = "briefing"


class SeatScreen(Screen[None]):
    CSS_PATH = "seat.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "decide", "Decide", tooltip="Decide on the selected inject, or answer "
                "it in your own words"),
        Binding("q", "app.request_quit", "Leave", tooltip="Leave the session (it goes on; "
                "join again with the same code)"),
    ]
    ABOUT = ("Your seat in a live session: what the host lets your seat see. New injects "
             "arrive at the top of the inbox.")

    def __init__(self, link: SeatLink) -> None:
        super().__init__()
        self.link = link
        self.turn = 0
        self.started = True

    @property
    def view(self) -> PlayerView | CommonView | None:
        v = self.link.view
        return None if v is None else v.player or v.common

    def compose(self) -> ComposeResult:
        yield Static(id="status", markup=False)
        with Horizontal(id="seat-body"):
            yield OptionList(id="seat-inbox")
            with VerticalScroll(id="seat-message-box"):
                yield SeatMessage(id="seat-message")
        yield TTXFooter()

    def on_mount(self) -> None:
        self.query_one("#seat-inbox").border_title = "Inbox"
        self.query_one("#seat-message-box").border_title = "Message"
        self.refresh_seat()  # the seat app repaints the status each second (the timer)

    # ------------------------------------------------------------ painting

    def show_status(self) -> None:
        view, link = self.view, self.link
        parts = [short_title(view.exercise) if view else "Connecting"]
        if link.view is not None and not link.view.started:
            parts.append("in the lobby: waiting for the facilitator to start")
        elif link.view is not None and link.view.ended:
            parts.append("the exercise has ended")
        elif view is not None:
            parts.append(f"turn {view.turn}")
        who = ("observer" if isinstance(view, CommonView) else
               f"team {view.team_name}" if isinstance(view, PlayerView) else "")
        parts.append(who + ("" if link.status == "connected" else f" ({link.status})"))
        timer = link.timer_text()
        if timer:
            parts.append(timer)
        self.query_one("#status", Static).update(plain(" · ".join(p for p in parts if p)))

    def refresh_seat(self) -> None:
        """Paint the last view the host sent; say so when a turn starts or it ends."""
        view = self.view
        self.show_status()
        if view is None:
            return
        if view.turn != self.turn and self.turn:
            self.app.notify(f"Turn {view.turn} has started." if view.turn > self.turn
                            else f"Back to turn {view.turn}.", title="The facilitator")
        self.turn = view.turn
        inbox = self.query_one("#seat-inbox", OptionList)
        keep = inbox.highlighted_option.id if inbox.highlighted_option else BRIEFING
        rows = [Option(plain("Briefing and this turn"), id=BRIEFING)]
        for msg in reversed(self._injects()):
            mark = ("✓ " if isinstance(msg, PlayerInject) and msg.decision else
                    "• " if isinstance(msg, PlayerInject) and msg.turn == view.turn else "  ")
            rows.append(Option(plain(f"{mark}T{msg.turn} {msg.title}"), id=str(msg.delivery)))
        inbox.clear_options()
        inbox.add_options(rows)
        ids = [r.id for r in rows]
        inbox.highlighted = ids.index(keep) if keep in ids else 0
        self.show_selected()
        self.refresh_bindings()

    def _injects(self) -> list[PlayerInject | CommonInject]:
        view = self.view
        if isinstance(view, PlayerView):
            return list(view.inbox)
        return list(view.injects) if isinstance(view, CommonView) else []

    def selected(self) -> PlayerInject | CommonInject | None:
        inbox = self.query_one("#seat-inbox", OptionList)
        picked = inbox.highlighted_option
        if picked is None or picked.id == BRIEFING:
            return None
        return next((m for m in self._injects() if str(m.delivery) == picked.id), None)

    def show_selected(self) -> None:
        view = self.view
        if view is not None:
            self.query_one(SeatMessage).show(view, self.selected())

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.show_selected()

    # ------------------------------------------------------------ deciding

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "decide":
            view = self.view
            msg = self.selected()
            if not isinstance(view, PlayerView):
                return False  # an observer's seat is read-only
            return (isinstance(msg, PlayerInject) and msg.decision is None and msg.turn == view.turn
                    and not (self.link.view and self.link.view.ended)) or None
        return True

    def action_decide(self) -> None:
        view, msg = self.view, self.selected()
        if not isinstance(view, PlayerView) or not isinstance(msg, PlayerInject):
            return
        team = view.team

        def send(form: DecisionForm) -> str | None:
            try:
                self.link.send(DecideCmd(team=team, delivery=msg.delivery,
                                         option=form.option, response=form.response or None))
            except CommandError as exc:
                return str(exc)
            return None

        self.app.push_screen(DecisionScreen(
            f"#{msg.delivery} {msg.title}", [(team, view.team_name)],
            [(o.id, o.label) for o in msg.options], team, send),
            lambda _: self.refresh_seat())
