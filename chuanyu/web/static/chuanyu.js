// Page behaviour lives here rather than in inline attributes, so the Content-Security-Policy
// can forbid inline script altogether.
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof Element && field.matches("[data-autosubmit]") && field.form) {
    field.form.submit();
  }
});

document.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target.closest("[data-print]") : null;
  if (target) {
    event.preventDefault();
    window.print();
  }
});
