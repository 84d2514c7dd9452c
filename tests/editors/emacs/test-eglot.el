;;; test-eglot.el --- ShapeLens with Emacs's eglot, in batch mode  -*- lexical-binding: t -*-
;;
;; A by-hand check of the Emacs snippet of editors/README.md (not run by CI):
;;   SHAPELENS_REPO=$PWD PATH=$PWD/.venv/bin:$PATH emacs --batch -l tests/editors/emacs/test-eglot.el
;; Checks that eglot starts `shapelens serve`, that the bad merge gets a Flymake error on its
;; line, and that hover (textDocument/hover through eglot's connection) gives the derivation.
;; Inlay hints need eglot >= 1.12 (Emacs 29+): checked only where `eglot-inlay-hints-mode' exists.

(require 'package)
(package-initialize)
(require 'eglot)
(require 'flymake)

(defvar shapelens-repo (or (getenv "SHAPELENS_REPO") default-directory))
(defvar shapelens-passed 0)
(defvar shapelens-failed 0)

(defun shapelens-check (name ok &optional detail)
  (if ok
      (progn (setq shapelens-passed (1+ shapelens-passed)) (princ (format "ok - %s\n" name)))
    (setq shapelens-failed (1+ shapelens-failed))
    (princ (format "not ok - %s%s\n" name (if detail (format "\n#   %s" detail) "")))))

(defun shapelens-wait (predicate &optional seconds)
  "Wait (processing the server's output) until PREDICATE holds, at most SECONDS."
  (let ((deadline (+ (float-time) (or seconds 60))))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (funcall predicate)))

;; --- the snippet from editors/README.md ---
(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs
               '((python-mode python-ts-mode) . ("shapelens" "serve"))))
(setq-default eglot-workspace-configuration
              '(:shapelens (:inlayHints (:enabled t :showParams t :showZeroParamLayers :json-false)
                            :diagnostics (:enabled t)
                            :batchDimensionLabel "None")))
;; -------------------------------------------

(defun shapelens-start ()
  "What `eglot-ensure' does after the next command (there is no command loop in batch mode)."
  (unless (eglot-current-server)
    (apply #'eglot (eglot--guess-contact))))

(defun shapelens-line-of (needle)
  (save-excursion (goto-char (point-min)) (search-forward needle) (line-number-at-pos)))

(find-file (expand-file-name "examples/errors/add_mismatch.py" shapelens-repo))
(shapelens-start)
(shapelens-check "eglot starts shapelens serve"
                 (shapelens-wait (lambda () (eglot-current-server)) 30))

(let ((merge-line (shapelens-line-of "out = layers.Add()([inputs, x])")))
  (shapelens-wait (lambda () (flymake-diagnostics)) 30)
  (let* ((diags (flymake-diagnostics))
         (d (car diags)))
    (shapelens-check "one Flymake diagnostic" (= (length diags) 1) (format "%S" diags))
    (when d
      (shapelens-check "an error on the merge line"
                       (and (eq (flymake-diagnostic-type d) 'eglot-error)
                            (= (line-number-at-pos (flymake-diagnostic-beg d)) merge-line))
                       (format "%S line %d" (flymake-diagnostic-type d)
                               (line-number-at-pos (flymake-diagnostic-beg d))))
      (princ (format "#   %s\n" (flymake-diagnostic-text d)))
      (shapelens-check "the message" (string-match-p "incompatible shapes" (flymake-diagnostic-text d))))))

(find-file (expand-file-name "examples/cats_vs_dogs.py" shapelens-repo))
(shapelens-start)
(shapelens-wait (lambda () (eglot-current-server)) 30)
(goto-char (point-min))
(search-forward "layers.Conv2D")
(backward-char 2)
(let* ((server (eglot-current-server))
       (hover (jsonrpc-request server :textDocument/hover (eglot--TextDocumentPositionParams)))
       (contents (plist-get hover :contents))
       (text (if (stringp contents) contents (plist-get contents :value))))
  (princ (format "#   hover: %s\n" (replace-regexp-in-string "\n" " | " (or text ""))))
  (shapelens-check "hover shows the derivation"
                   (and text (string-match-p "(None, 148, 148, 16)" text) (string-match-p "= 448" text))))

(if (fboundp 'eglot-inlay-hints-mode)
    (let* ((server (eglot-current-server))
           (hints (jsonrpc-request server :textDocument/inlayHint
                                   (list :textDocument (eglot--TextDocumentIdentifier)
                                         :range (list :start (list :line 0 :character 0)
                                                      :end (list :line 30 :character 0))))))
      (shapelens-check "inlay hints (eglot-inlay-hints-mode exists)"
                       (cl-some (lambda (h) (equal (plist-get h :label) "(None, 148, 148, 16) · 448 params"))
                                (append hints nil))))
  (princ "# skip - inlay hints: this eglot has no eglot-inlay-hints-mode (needs Emacs 29+)\n"))

(eglot-shutdown (eglot-current-server))
(princ (format "%d passed, %d failed\n" shapelens-passed shapelens-failed))
(kill-emacs (if (= shapelens-failed 0) 0 1))
