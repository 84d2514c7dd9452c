---@brief
---
--- ShapeLens: Keras layer output shapes and parameter counts as inlay hints, the derivation on
--- hover, and shape errors as diagnostics, without running the code.
---
--- Install the server into the Python environment of your project (or any on your PATH):
--- ```sh
--- python -m pip install shapelens
--- ```
---
--- With this folder (`editors/nvim`) on the 'runtimepath' (Neovim >= 0.11):
--- ```lua
--- vim.lsp.enable('shapelens')
--- -- the shapes are inlay hints, which Neovim does not show until asked:
--- vim.lsp.inlay_hint.enable(true)
--- ```
--- or `require('shapelens').setup()`, which does both for the buffers ShapeLens attaches to and
--- adds `:ShapeLensToggleHints`.
---
--- Settings (all optional; shown with their defaults):
--- ```lua
--- vim.lsp.config('shapelens', {
---   settings = {
---     shapelens = {
---       inlayHints = { enabled = true, showParams = true, showZeroParamLayers = false },
---       diagnostics = { enabled = true },
---       batchDimensionLabel = 'None',
---     },
---   },
--- })
--- ```
--- To run the server from a particular interpreter:
--- `vim.lsp.config('shapelens', { cmd = { '/path/to/venv/bin/shapelens', 'serve' } })`.

---@type vim.lsp.Config
return {
  cmd = { 'shapelens', 'serve' },
  filetypes = { 'python' },
  root_markers = {
    'pyproject.toml',
    'setup.py',
    'setup.cfg',
    'requirements.txt',
    'Pipfile',
    '.git',
  },
  settings = {
    shapelens = {
      inlayHints = {
        enabled = true,
        showParams = true,
        showZeroParamLayers = false,
      },
      diagnostics = {
        enabled = true,
      },
      batchDimensionLabel = 'None',
    },
  },
}
