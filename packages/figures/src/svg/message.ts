import { theme } from "../theme.js";
import { createFigure, r2, type FigureHeader } from "./figure.js";

/**
 * A figure that says why it cannot show its data (empty input, only undefined values, a single
 * class…). It keeps the intended title so a reader knows which figure this is; never a blank image.
 */
export function messageFigure(header: FigureHeader, message: string, details: string[] = []): string {
  const fig = createFigure(header);
  fig.svg.attr("data-empty", "true");
  const g = fig.plot.append("g").attr("class", "message");
  g.append("rect")
    .attr("width", fig.width)
    .attr("height", fig.height)
    .attr("fill", "#fafafa")
    .attr("stroke", theme.gridColour);
  g.append("text")
    .attr("class", "message-text")
    .attr("x", r2(fig.width / 2))
    .attr("y", r2(fig.height / 2 - 8 * details.length))
    .attr("text-anchor", "middle")
    .attr("font-size", theme.fontSize + 2)
    .attr("fill", theme.ink)
    .text(message);
  details.forEach((d, i) => {
    g.append("text")
      .attr("class", "message-detail")
      .attr("x", r2(fig.width / 2))
      .attr("y", r2(fig.height / 2 - 8 * details.length + 22 * (i + 1)))
      .attr("text-anchor", "middle")
      .attr("font-size", theme.tickSize)
      .attr("fill", theme.muted)
      .text(d);
  });
  return fig.toString();
}
