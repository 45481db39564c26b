// What the model file carries besides its weights: the stored test digits to start from
// (GET /exemplars) and the decoded image of every concept (GET /concepts).
import { digitCanvas } from "./digits.js";

// One button per exemplar, grouped by digit; `onPick(exemplar)` on click or Enter/Space.
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
    button.addEventListener("click", () => {
      buttons.forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
      onPick(e);
    });
    container.append(button);
    return button;
  });
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
    caption.title = `${c.id}: mean encoding of ${c.count} training images, decoded`;
    figure.append(digitCanvas(c.image, `decoded concept ${c.label}`), caption);
    return figure;
  }));
}
