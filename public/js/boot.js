// The page's entry point. It imports nothing itself and loads the rest (main.js, the
// figures and, through chart-kit.js, Chart.js) dynamically, so that a part that fails to
// load is named on the page instead of leaving it at "Loading the model…".
const $ = (id) => document.getElementById(id);

try {
  await import("./main.js");
} catch (error) {
  const message = `The page could not start: ${error.message}`;
  // In the header, the first thing seen, and where errors go (role="alert").
  $("model-line").textContent = message;
  $("model-line").classList.add("failed");
  $("error").textContent = message;
  $("error").hidden = false;
  $("status").textContent = "";
  for (const button of document.querySelectorAll("button")) button.disabled = true;
  $("app").dataset.state = "error";
  // Still in the console for whoever debugs it, with its stack.
  console.error(error);
}
