/* Kredsløb: post an item and add photos with a progress bar and live processing status.
 *
 * Progressive: without this script both forms are plain multipart POSTs handled by the same upload service.
 * With it, the listing is saved first (JSON answer), then each photo is sent on its own to the API's upload
 * endpoint with a progress bar, and its processing status is polled until it is ready or rejected.
 * No inline script or style: the page can run under a strict Content Security Policy. */
(function () {
  "use strict";

  function csrfToken(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function showKind(form) {
    var checked = form.querySelector("input[name=kind]:checked");
    if (!checked) return;
    form.querySelectorAll("[data-kind-only]").forEach(function (box) {
      box.hidden = box.getAttribute("data-kind-only") !== checked.value;
    });
  }

  function problemMessage(xhr, fallback) {
    try {
      var body = JSON.parse(xhr.responseText);
      if (body.errors && body.errors.file && body.errors.file.length) return body.errors.file[0];
      if (body.detail) return body.detail;
    } catch (e) { /* not JSON */ }
    return fallback;
  }

  function row(list, name) {
    var item = document.createElement("li");
    item.className = "upload-item";
    var label = document.createElement("span");
    label.className = "upload-name";
    label.textContent = name;
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", name);
    var status = document.createElement("span");
    status.className = "upload-status";
    item.appendChild(label);
    item.appendChild(bar);
    item.appendChild(status);
    list.appendChild(item);
    return { item: item, bar: bar, status: status };
  }

  function setStatus(r, state, text) {
    r.item.setAttribute("data-state", state);
    r.status.textContent = text;
  }

  function upload(form, photosUrl, file, r) {
    return new Promise(function (resolve) {
      var data = new FormData();
      data.append("file", file);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", photosUrl);
      xhr.setRequestHeader("X-CSRFToken", csrfToken(form));
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) r.bar.value = Math.round((event.loaded / event.total) * 100);
      });
      xhr.addEventListener("load", function () {
        var photo = null;
        try { photo = xhr.status === 201 ? JSON.parse(xhr.responseText) : null; } catch (e) { photo = null; }
        if (photo) {
          r.bar.value = 100;
          setStatus(r, "processing", form.dataset.textProcessing);
          var url = form.dataset.statusUrl.replace("/0/", "/" + photo.id + "/");
          resolve(waitFor(form, r, url));
        } else {
          setStatus(r, "failed", form.dataset.textFailed + ": " + problemMessage(xhr, form.dataset.textError));
          resolve();
        }
      });
      xhr.addEventListener("error", function () {
        setStatus(r, "failed", form.dataset.textError);
        resolve();
      });
      setStatus(r, "uploading", form.dataset.textUploading);
      xhr.send(data);
    });
  }

  function waitFor(form, r, url) {
    return new Promise(function (resolve) {
      var tries = 120;
      function once() {
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : null; })
          .then(function (photo) {
            if (photo && photo.status === "ready") {
              setStatus(r, "ready", form.dataset.textReady);
              return resolve();
            }
            if (photo && photo.status === "failed") {
              setStatus(r, "failed", form.dataset.textFailed + ": " + photo.failure_reason);
              return resolve();
            }
            tries -= 1;
            if (tries <= 0) return resolve();
            setTimeout(once, 1000);
          })
          .catch(function () { resolve(); });
      }
      once();
    });
  }

  function uploadAll(form, photosUrl, files, doneUrl) {
    var list = form.querySelector("[data-upload-list]");
    list.hidden = false;
    list.textContent = "";
    var rows = files.map(function (file) { return row(list, file.name); });
    var chain = Promise.resolve();
    files.forEach(function (file, i) {
      chain = chain.then(function () { return upload(form, photosUrl, file, rows[i]); });
    });
    return chain.then(function () {
      var done = form.querySelector("[data-upload-done]");
      var link = document.createElement("a");
      link.href = doneUrl;
      link.className = "button";
      link.textContent = form.dataset.textDone;
      done.textContent = "";
      done.appendChild(link);
      done.hidden = false;
      link.focus();
    });
  }

  function nativeSubmit(form, submitter) {
    form.dataset.native = "1";
    if (submitter && form.requestSubmit) form.requestSubmit(submitter);
    else form.submit();
  }

  function onSubmit(event) {
    var form = event.target;
    if (form.dataset.native === "1") return;
    var input = form.querySelector("input[type=file]");
    var files = input ? Array.prototype.slice.call(input.files) : [];
    if (!files.length || !window.fetch || !window.FormData) return;
    event.preventDefault();
    var submitter = event.submitter;
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    if (form.dataset.photosUrl) {
      uploadAll(form, form.dataset.photosUrl, files, window.location.pathname).then(function () {
        input.value = "";
        form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
      });
      return;
    }
    var data = new FormData(form);
    data.delete("photos");
    if (submitter && submitter.name) data.set(submitter.name, submitter.value);
    // getAttribute: the submit buttons are named "action", which shadows form.action.
    fetch(form.getAttribute("action") || window.location.pathname, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Kredslob-Upload": "1", Accept: "application/json" },
    })
      .then(function (response) {
        if (response.status !== 201) throw new Error("invalid");
        return response.json();
      })
      .then(
        function (listing) {
          form.querySelectorAll("input, select, textarea").forEach(function (el) { el.disabled = true; });
          // Once every photo is sent and processed (or rejected), the page that shows what was created.
          return uploadAll(form, listing.photos_url, files, listing.created_url).then(function () {
            window.location.assign(listing.created_url);
          });
        },
        function () {
          // Not saved (invalid input, no connection): submit the ordinary way, which shows the errors.
          form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
          nativeSubmit(form, submitter);
        }
      );
  }

  document.querySelectorAll("form[data-uploader]").forEach(function (form) {
    form.addEventListener("submit", onSubmit);
    if (form.querySelector("input[name=kind]")) {
      showKind(form);
      form.addEventListener("change", function (event) {
        if (event.target.name === "kind") showKind(form);
      });
    }
  });
})();
