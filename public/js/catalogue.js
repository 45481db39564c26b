// What the model file carries besides its weights: the stored test digits to start from
// (GET /exemplars) and the decoded image of every concept (GET /concepts).
import { digitCanvas } from "./digits.js";

// Arrow keys move within the grid (a row per digit) so that the grid is one Tab stop,
// not a hundred, on the way to the Run button.
function arrowNavigation(container, buttons, columns) {
  const moves = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -columns, ArrowDown: columns };
  container.addEventListener("keydown", (event) => {
    const from = buttons.indexOf(document.activeElement);
    const to = event.key === "Home" ? 0 : event.key === "End" ? buttons.length - 1 : from + (moves[event.key] ?? NaN);
    if (from < 0 || !buttons[to]) return;
    event.preventDefault();
    buttons.forEach((b) => { b.tabIndex = b === buttons[to] ? 0 : -1; });
    buttons[to].focus();
  });
}

// One button per exemplar, a row per digit; `onPick(exemplar)` on click or Enter/Space.
export function exemplarGrid(container, exemplars, onPick) {
  container.replaceChildren();
  const buttons = exemplars.map((e) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "exemplar";
    button.setAttribute("aria-pressed", "false");
    button.dataset.digit = e.digit;
    button.dataset.index = e.index;
    const name = `digit ${e.digit}, exemplar ${e.index} (test image ${e.testIndex})`;
    button.title = name;
    button.append(digitCanvas(e.pixels.map((v) => v / 255), name));
    button.tabIndex = -1;
    button.addEventListener("click", () => {
      buttons.forEach((b) => {
        b.setAttribute("aria-pressed", String(b === button));
        b.tabIndex = b === button ? 0 : -1;
      });
      onPick(e);
    });
    container.append(button);
    return button;
  });
  if (buttons[0]) buttons[0].tabIndex = 0;
  const columns = Math.max(...exemplars.map((e) => e.index)) + 1;
  container.style.setProperty("--columns", columns);
  arrowNavigation(container, buttons, columns);
  return {
    clearSelection: () => buttons.forEach((b) => b.setAttribute("aria-pressed", "false")),
    pick: (index) => buttons[index]?.click(),
  };
}

export function conceptGallery(container, concepts) {
  container.replaceChildren(...concepts.filter((c) => c.image).map((c) => {
    const figure = document.createElement("figure");
    figure.className = "concept";
    const caption = document.createElement("figcaption");
    caption.textContent = `${c.label} (${c.count})`;
    caption.title = c.level === "class" ? `${c.id}: mean encoding of ${c.count} training images, decoded`
      : c.parent === undefined ? `${c.id}: mean of the ${c.count} class concepts, decoded`
      : `${c.id} (${c.level}): mean of ${c.children.join(", ")}, decoded`;
    figure.append(digitCanvas(c.image, `decoded concept ${c.label}`), caption);
    return figure;
  }));
}
