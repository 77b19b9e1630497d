// Paint each photo's placeholder colour (from its blurhash) behind the image while it loads. Done from a file
// rather than inline style attributes, so the Content Security Policy needs no 'unsafe-inline'.
(function () {
  function paint(root) {
    root.querySelectorAll("img[data-colour]").forEach(function (img) {
      if (/^#[0-9a-fA-F]{3,8}$/.test(img.dataset.colour)) img.style.backgroundColor = img.dataset.colour;
    });
  }
  document.addEventListener("DOMContentLoaded", function () { paint(document); });
  document.addEventListener("htmx:afterSwap", function (event) { paint(event.target); });
})();
