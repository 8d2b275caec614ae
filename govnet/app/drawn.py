"""Work held back until the browser has drawn the first page.

The server's background work (``source.warm``: the network page's graph and index) holds
the interpreter's lock for seconds. Started as soon as the script has sent the page, it
slows the server just while the browser fetches the page's chart scripts from it and
draws them. A tiny component (no markup, a few lines of script) tells the server instead:
it waits until every chart on the page is drawn and the browser is idle, then sets a
trigger, which reruns only the fragment below, which starts the work — once per session.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

# Charts are drawn when each Plotly or Vega-Lite container holds its plot; then the browser's
# first idle moment (or 2 s). A page that never finishes drawing lets the work start after 60 s.
JS = """
export default function ({ setTriggerValue }) {
  const charts = [
    ['[data-testid="stPlotlyChart"]', ".js-plotly-plot"],
    ['[data-testid="stVegaLiteChart"]', "canvas, svg"],
  ];
  const pending = () => charts.some(([chart, plot]) =>
    [...document.querySelectorAll(chart)].some((c) => !c.querySelector(plot)));
  const fire = () => setTriggerValue("drawn", true);
  const idle = () => window.requestIdleCallback
    ? window.requestIdleCallback(fire, { timeout: 2000 })
    : setTimeout(fire, 0);
  let polls = 240;
  const poll = () => (pending() && --polls > 0 ? setTimeout(poll, 250) : idle());
  poll();
}
"""
_component = st.components.v2.component("govnet_drawn", js=JS)


@st.fragment
def after_drawn(key: str, work: Callable[[], object]) -> None:
    """Run ``work`` once per session and ``key`` (a data source), after the browser has
    drawn the page this is placed on."""
    done = st.session_state.setdefault("_drawn", set())
    if key in done:
        return
    if _component(key="govnet_drawn", height=0, on_drawn_change=lambda: None).drawn:
        done.add(key)
        work()
