#include "report/html_style.hpp"

namespace report {

const char* const k_html_style = R"(
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1f24;
       background: #fff; max-width: 1100px; margin: 0 auto; padding: 24px 32px; }
h1 { font-size: 1.6em; margin: 0 0 4px; }
h2 { font-size: 1.2em; margin: 28px 0 8px; }
p.window { color: #555; margin: 0 0 16px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #dde1e6;
         vertical-align: top; }
th { background: #f3f5f7; font-weight: 600; }
td.figure { font-variant-numeric: tabular-nums; }
.counts { display: block; color: #5a6270; font-size: 0.85em; }
.band { display: inline-block; padding: 0 7px; border-radius: 9px; font-size: 0.8em;
        font-weight: 600; margin-left: 6px; border: 1px solid currentColor; }
.band-elite { color: #116329; } .band-high { color: #0a5bb5; }
.band-medium { color: #8a5a00; } .band-low { color: #b42318; }
.none { color: #5a6270; font-style: italic; }
figure { margin: 12px 0 24px; break-inside: avoid; page-break-inside: avoid; }
figcaption { font-weight: 600; margin-bottom: 4px; }
svg { width: 100%; height: auto; display: block; }
svg .grid { stroke: #e3e6ea; stroke-width: 1; }
svg .axis { stroke: #6b7280; stroke-width: 1; }
svg .tick, svg .level-label { font-size: 11px; fill: #4b5563; }
svg .bar { fill: #3b6fb6; }
svg .dot { fill: #3b6fb6; fill-opacity: 0.75; }
svg .level { stroke: #d9480f; stroke-width: 2; stroke-dasharray: 6 4; }
svg .level-label { fill: #d9480f; }
svg .span { stroke: #b42318; stroke-width: 6; stroke-linecap: round; }
footer { color: #6b7280; font-size: 0.85em; margin-top: 32px; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  table, tr { break-inside: avoid; page-break-inside: avoid; }
  th { background: none; }
}
)";

} // namespace report
