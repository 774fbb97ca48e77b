/* 上传文件: the browser side of the tus endpoint (/api/v1/uploads/), with tus-js-client.
 *
 * Every element with [data-upload-widget] becomes one widget: a file picker, a progress bar with
 * percent and bytes, pause/resume, and resumption after a lost connection — retried with delays
 * while the browser is online, resumed by itself when it comes back online, and after a reload
 * from the upload's fingerprint kept in localStorage (choose the same file again).
 * When a file is complete the widget asks the server for its digests (GET <upload>/info) — again and
 * again, with growing delays (INFO_DELAYS, the last repeated) and at once when the browser comes back
 * online, until it answers with them (s22 tester8 #10: a connection lost then left no digest) — shows
 * its SHA-256 and SM3 and fires `sanxiang:upload-complete` on the document (detail: the /info answer
 * plus `name`), for the page to refresh its list. Only a refusal (4xx) stops the asking.
 */
(function () {
  "use strict";

  var RETRY_DELAYS = [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000];
  var INFO_DELAYS = [500, 1000, 2000, 4000, 8000, 15000, 30000];

  function formatBytes(n) {
    var units = ["字节", "KB", "MB", "GB", "TB"];
    var i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i += 1; }
    return (i === 0 ? n : n.toFixed(1)) + " " + units[i];
  }

  function setup(root) {
    var input = root.querySelector("input[type=file]");
    var bar = root.querySelector("progress");
    var percent = root.querySelector("[data-upload-percent]");
    var bytes = root.querySelector("[data-upload-bytes]");
    var status = root.querySelector("[data-upload-status]");
    var digest = root.querySelector("[data-upload-digest]");
    var pause = root.querySelector("[data-upload-pause]");
    var csrf = root.querySelector("input[name=csrfmiddlewaretoken]");
    var extra = {};
    if (root.dataset.uploadMetadata) {
      try { extra = JSON.parse(root.dataset.uploadMetadata); } catch (e) { extra = {}; }
    }
    var upload = null;
    var paused = false;
    var finished = false;

    function say(text) { status.textContent = text; }

    function showProgress(sent, total) {
      var pct = total ? Math.floor((sent / total) * 100) : 0;
      bar.max = 100;
      bar.value = pct;
      percent.textContent = pct + "%";
      bytes.textContent = formatBytes(sent) + " / " + formatBytes(total);
    }

    function resumeWhenOnline() {
      say("网络已断开，恢复连接后自动续传……");
      window.addEventListener("online", function again() {
        window.removeEventListener("online", again);
        if (upload && !paused && !finished) {
          say("网络已恢复，正在续传……");
          upload.start();
        }
      });
    }

    function showDigests(info) {
      digest.textContent = "";
      [["SHA-256", info.sha256], ["SM3", info.sm3]].forEach(function (pair) {
        var line = document.createElement("span");
        line.className = "upload-digest-line";
        line.setAttribute("data-digest", pair[0]);
        line.textContent = pair[0] + "：" + pair[1];
        digest.appendChild(line);
      });
    }

    function askDigests(url, name, attempt) {
      var current = upload;
      function again() {
        if (upload !== current) { return; }  // another file was chosen meanwhile
        var delay = INFO_DELAYS[Math.min(attempt, INFO_DELAYS.length - 1)];
        say("正在核对摘要：连接中断，" + delay / 1000 + " 秒后重试（第 " +
            (attempt + 1) + " 次）……");
        var timer = setTimeout(function () {
          window.removeEventListener("online", now);
          askDigests(url, name, attempt + 1);
        }, delay);
        function now() {  // back online: ask at once
          window.removeEventListener("online", now);
          clearTimeout(timer);
          askDigests(url, name, attempt + 1);
        }
        window.addEventListener("online", now);
      }
      fetch(url + "/info", {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) {
          if (r.status >= 400 && r.status < 500 && r.status !== 408 && r.status !== 429) {
            return r.json().catch(function () { return {}; }).then(function (body) {
              throw {refused: body.message || ("服务器答复 " + r.status)};
            });
          }
          if (!r.ok) { throw {}; }
          return r.json();
        })
        .then(function (info) {
          if (upload !== current) { return; }
          if (!info.complete || !info.sha256 || !info.sm3) { again(); return; }
          say("上传完成。");
          showDigests(info);
          info.name = name;
          document.dispatchEvent(new CustomEvent("sanxiang:upload-complete", {detail: info}));
        })
        .catch(function (err) {
          if (upload !== current) { return; }
          if (err && err.refused) { say("上传完成，但未能取得摘要（" + err.refused + "），请刷新页面查看。"); return; }
          again();
        });
    }

    function start(file) {
      finished = false;
      paused = false;
      digest.textContent = "";
      pause.hidden = false;
      pause.textContent = "暂停";
      showProgress(0, file.size);
      var metadata = Object.assign({filename: file.name, filetype: file.type || ""}, extra);
      upload = new tus.Upload(file, {
        endpoint: root.dataset.endpoint,
        chunkSize: Number(root.dataset.chunkSize) || Infinity,
        retryDelays: RETRY_DELAYS,
        storeFingerprintForResuming: true,
        removeFingerprintOnSuccess: true,
        metadata: metadata,
        headers: {"X-CSRFToken": csrf ? csrf.value : ""},
        onShouldRetry: function (err) {
          var code = err.originalResponse ? err.originalResponse.getStatus() : 0;
          if (!navigator.onLine) { return false; }
          if (code === 0 || code >= 500 || code === 409 || code === 423) {
            say("连接中断，正在重试……");
            return true;
          }
          return false;
        },
        onProgress: function (sent, total) {
          showProgress(sent, total);
          if (!paused) { say("正在上传……"); }
        },
        onError: function (err) {
          if (!navigator.onLine) { resumeWhenOnline(); return; }
          var message = "上传失败。";
          var response = err.originalResponse;
          if (response) {
            try { message = JSON.parse(response.getBody()).message || message; } catch (e) { /* not JSON */ }
          } else {
            message = "上传失败：无法连接服务器。可点击“继续”重试。";
          }
          paused = true;
          pause.textContent = "继续";
          say(message);
        },
        onSuccess: function () {
          finished = true;
          pause.hidden = true;
          say("正在核对摘要……");
          askDigests(upload.url, file.name, 0);
        }
      });
      upload.findPreviousUploads().then(function (previous) {
        if (previous.length) {
          upload.resumeFromPreviousUpload(previous[0]);
          say("找到此前未完成的上传，从中断处续传……");
        } else {
          say("正在上传……");
        }
        upload.start();
      });
    }

    input.addEventListener("change", function () {
      if (upload && !finished) { upload.abort(); }
      if (input.files.length) { start(input.files[0]); }
    });

    pause.addEventListener("click", function () {
      if (!upload || finished) { return; }
      if (paused) {
        paused = false;
        pause.textContent = "暂停";
        say("正在续传……");
        upload.start();
      } else {
        paused = true;
        pause.textContent = "继续";
        upload.abort();
        say("已暂停。");
      }
    });
  }

  function init() {
    var roots = document.querySelectorAll("[data-upload-widget]");
    for (var i = 0; i < roots.length; i += 1) { setup(roots[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
