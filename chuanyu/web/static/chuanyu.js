// Page behaviour lives here rather than in inline attributes, so the Content-Security-Policy
// can forbid inline script altogether. Every page works without it; this only makes it nicer.

// Lists that submit their form when changed (filters).
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof Element && field.matches("[data-autosubmit]") && field.form) {
    field.form.requestSubmit();
  }
});

// Print buttons.
document.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target.closest("[data-print]") : null;
  if (target) {
    event.preventDefault();
    window.print();
  }
});

// While a form submits: its submit buttons are disabled and say "正在提交…", so nobody sends twice.
// The button that was pressed still reaches the server (its name/value are copied to a hidden field).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || event.defaultPrevented) return;
  if (form.method.toLowerCase() === "get" && !form.hasAttribute("data-busy")) return;
  const pressed = event.submitter;
  if (pressed instanceof HTMLButtonElement && pressed.name) {
    const carry = document.createElement("input");
    carry.type = "hidden";
    carry.name = pressed.name;
    carry.value = pressed.value;
    carry.dataset.carry = "";
    form.appendChild(carry);
  }
  for (const button of form.querySelectorAll("button[type=submit], button:not([type])")) {
    button.dataset.label = button.textContent;
    button.disabled = true;
    button.setAttribute("aria-disabled", "true");
    if (button === pressed || !pressed) button.textContent = "正在提交…";
  }
  form.setAttribute("aria-busy", "true");
});

// Coming back with the browser's back button re-enables a form left busy.
window.addEventListener("pageshow", () => {
  for (const carry of document.querySelectorAll("input[data-carry]")) carry.remove();
  for (const button of document.querySelectorAll("button[aria-disabled=true]")) {
    button.disabled = false;
    button.removeAttribute("aria-disabled");
    if (button.dataset.label) button.textContent = button.dataset.label;
  }
});

// The menu drawer: open as a bar on wide screens; Escape closes it on a phone.
const menu = document.querySelector("details[data-menu]");
if (menu) {
  const wide = window.matchMedia("(min-width: 64em)");
  const sync = () => { menu.open = wide.matches; };
  sync();
  wide.addEventListener("change", sync);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && menu.open && !wide.matches) {
      menu.open = false;
      menu.querySelector("summary")?.focus();
    }
  });
}

// Filters drawer (job facets): open beside the results on wide screens.
for (const filters of document.querySelectorAll("details.filters")) {
  const wide = window.matchMedia("(min-width: 48em)");
  if (wide.matches) filters.open = true;
}

// Card tables: cells without a label take their column heading (templates normally set it).
for (const table of document.querySelectorAll(".content table:not(.plain)")) {
  const heads = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
  for (const row of table.querySelectorAll("tbody tr")) {
    let column = 0;
    for (const cell of row.children) {
      const span = Number(cell.getAttribute("colspan") || 1);
      if (span === 1 && !cell.hasAttribute("data-label") && heads[column]) {
        cell.setAttribute("data-label", heads[column]);
      }
      column += span;
    }
  }
}

// Section menus mark the page the visitor is on.
for (const link of document.querySelectorAll(".subnav a[href]")) {
  if (new URL(link.href, location.href).pathname === location.pathname) {
    link.setAttribute("aria-current", "page");
  }
}

// A refused form: move focus to the error summary so screen readers announce it first.
document.querySelector(".error-summary[tabindex]")?.focus();
