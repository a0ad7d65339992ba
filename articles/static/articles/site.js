/* Newsroom: small progressive enhancements (pages work without this file). */
(function () {
  "use strict";

  function copyLink(button) {
    var input = document.querySelector(button.getAttribute("data-copy"));
    if (!input) {
      return;
    }
    var status = button.parentNode.querySelector(".share__status");
    var done = function () {
      if (status) {
        status.textContent = button.getAttribute("data-copied");
      }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, function () {
        input.select();
      });
    } else {
      input.focus();
      input.select();
      try {
        if (document.execCommand("copy")) {
          done();
        }
      } catch (error) {
        /* The link stays selected for the reader to copy by hand. */
      }
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (button) {
      event.preventDefault();
      copyLink(button);
    }
  });
})();
