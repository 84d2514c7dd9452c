-- ShapeLens for Neovim >= 0.11: enables the `shapelens` language server (lsp/shapelens.lua),
-- turns inlay hints on in the buffers it attaches to, and adds commands:
--   :ShapeLensToggleHints   show/hide the shape hints in the current buffer
--   :ShapeLensRestart       restart the server (e.g. after installing shapelens into the venv)
--
--   require('shapelens').setup({
--     inlay_hints = true,   -- turn hints on when the server attaches
--     cmd = nil,            -- e.g. { '/path/to/venv/bin/shapelens', 'serve' }
--     settings = nil,       -- the server's settings, e.g. { inlayHints = { showParams = false } }
--   })

local M = {}

M.name = 'shapelens'

local defaults = {
  inlay_hints = true,
  cmd = nil,
  settings = nil,
}

M.options = vim.deepcopy(defaults)

---@param bufnr integer
---@return boolean
local function attached(bufnr)
  return #vim.lsp.get_clients({ bufnr = bufnr, name = M.name }) > 0
end

--- Shows or hides the inlay hints in a buffer (default: the current one).
---@param bufnr? integer
---@param enable? boolean  nil: toggle
function M.toggle_hints(bufnr, enable)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if enable == nil then
    enable = not vim.lsp.inlay_hint.is_enabled({ bufnr = bufnr })
  end
  vim.lsp.inlay_hint.enable(enable, { bufnr = bufnr })
  if not attached(bufnr) then
    vim.notify('ShapeLens is not attached to this buffer', vim.log.levels.WARN)
  end
  return enable
end

--- Restarts the server: stops the clients, then re-enables the config so open buffers reattach.
function M.restart()
  local clients = vim.lsp.get_clients({ name = M.name })
  for _, client in ipairs(clients) do
    client:stop(true)
  end
  vim.lsp.enable(M.name, false)
  vim.defer_fn(function()
    vim.lsp.enable(M.name, true)
  end, 100)
end

---@param opts? { inlay_hints?: boolean, cmd?: string[], settings?: table }
function M.setup(opts)
  if vim.fn.has('nvim-0.11') ~= 1 then
    vim.notify('ShapeLens needs Neovim >= 0.11', vim.log.levels.ERROR)
    return
  end
  M.options = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts or {})

  local overrides = {}
  if M.options.cmd then
    overrides.cmd = M.options.cmd
  end
  if M.options.settings then
    overrides.settings = { shapelens = M.options.settings }
  end
  if next(overrides) then
    vim.lsp.config(M.name, overrides)
  end

  local group = vim.api.nvim_create_augroup('shapelens', { clear = true })
  vim.api.nvim_create_autocmd('LspAttach', {
    group = group,
    desc = 'ShapeLens: show shape inlay hints',
    callback = function(args)
      local client = vim.lsp.get_client_by_id(args.data.client_id)
      if client and client.name == M.name and M.options.inlay_hints then
        vim.lsp.inlay_hint.enable(true, { bufnr = args.buf })
      end
    end,
  })

  vim.api.nvim_create_user_command('ShapeLensToggleHints', function()
    M.toggle_hints(0)
  end, { desc = 'ShapeLens: show/hide the shape inlay hints in this buffer' })
  vim.api.nvim_create_user_command('ShapeLensRestart', function()
    M.restart()
  end, { desc = 'ShapeLens: restart the language server' })

  vim.lsp.enable(M.name)
end

return M
