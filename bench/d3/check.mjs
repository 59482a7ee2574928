// Load mfa Sankey JSON files (mfa sankey --out x.json) in d3-sankey-circular, every link, and in d3-sankey with the
// links marked `loop` dropped. Prints one JSON line per file; exits 1 when a file does not load.
//   node bench/d3/check.mjs a.json [b.json ...]
import { readFileSync } from "node:fs";
import { sankey } from "d3-sankey";
import { sankeyCircular } from "d3-sankey-circular";

let failed = false;
for (const file of process.argv.slice(2)) {
  const data = JSON.parse(readFileSync(file, "utf8"));
  const copy = (links) => ({
    nodes: data.nodes.map((n) => ({ ...n })),
    links: links.map((l) => ({ source: l.source, target: l.target, value: l.value })),
  });
  const result = { file, nodes: data.nodes.length, links: data.links.length, loops: data.links.filter((l) => l.loop).length };
  try {
    const layout = sankeyCircular().nodeId((d) => d.id).extent([[0, 0], [1000, 600]]).nodePaddingRatio(0.5);
    const drawn = layout(copy(data.links));  // (without a padding ratio d3-sankey-circular 0.34 gives NaN)
    result.circular = drawn.links.filter((l) => l.circular).length;
    result.circular_ok = drawn.nodes.every((n) => Number.isFinite(n.y0) && Number.isFinite(n.x0));
  } catch (error) {
    result.circular_error = String(error);
  }
  try {
    const drawn = sankey().nodeId((d) => d.id).extent([[0, 0], [1000, 600]])(copy(data.links.filter((l) => !l.loop)));
    result.sankey_ok = drawn.nodes.every((n) => Number.isFinite(n.y0) && Number.isFinite(n.x0));
  } catch (error) {
    result.sankey_error = String(error);
  }
  failed ||= !result.circular_ok || !result.sankey_ok;
  console.log(JSON.stringify(result));
}
process.exit(failed ? 1 : 0);
