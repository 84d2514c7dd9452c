-- Real-editor test of ShapeLens in Neovim >= 0.11, headless, with only tests/editors/nvim/init.lua:
-- opens the examples, waits for the server to attach, and checks the inlay hints
-- (vim.lsp.inlay_hint.get()), the hover, the diagnostics, and what is drawn on the screen
-- (screenstring() after :redraw!). Prints one line per check and "N passed, N failed"; exits 1
-- when a check failed. Every wait is on a condition (vim.wait), bounded by WAIT_MS.
--
--   SHAPELENS_REPO=$PWD nvim --clean --headless -u tests/editors/nvim/init.lua -l tests/editors/nvim/test.lua

local repo = assert(vim.env.SHAPELENS_REPO, 'SHAPELENS_REPO is not set')
local WAIT_MS = tonumber(vim.env.SHAPELENS_WAIT_MS or '') or 60000

local CONV_LINE = "x = layers.Conv2D(16, 3, activation='relu')(image_input)"
local CONV_HINT = '(None, 148, 148, 16) · 448 params'
local MERGE_LINE = 'out = layers.Add()([inputs, x])'

local passed, failed = 0, 0

local function out(text)
  io.stdout:write(text .. '\n')
end

local function check(name, fn)
  local ok, err = xpcall(fn, debug.traceback)
  if ok then
    passed = passed + 1
    out('ok - ' .. name)
  else
    failed = failed + 1
    out('not ok - ' .. name)
    for line in tostring(err):gmatch('[^\n]+') do
      out('#   ' .. line)
    end
  end
end

local function wait_for(what, condition)
  local ok = vim.wait(WAIT_MS, condition, 20)
  assert(ok, 'timed out waiting for ' .. what)
end

local function example(...)
  for _, candidate in ipairs({ ... }) do
    local path = repo .. '/' .. candidate
    if vim.uv.fs_stat(path) then
      return path
    end
  end
  error('none of the example files exists: ' .. table.concat({ ... }, ', '))
end

--- 1-based number of the first line of the buffer that contains `needle` (plain text).
local function line_of(bufnr, needle)
  for lnum, text in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    if text:find(needle, 1, true) then
      return lnum
    end
  end
  error('no line contains ' .. needle)
end

local function label_text(label)
  if type(label) == 'string' then
    return label
  end
  local parts = {}
  for _, part in ipairs(label) do
    parts[#parts + 1] = part.value
  end
  return table.concat(parts)
end

--- The text drawn on screen row `row` (1-based), cell by cell.
local function screen_row(row)
  local cells = {}
  for col = 1, vim.o.columns do
    cells[#cells + 1] = vim.fn.screenstring(row, col)
  end
  return (table.concat(cells):gsub('%s+$', ''))
end

local function shapelens_client(bufnr)
  return vim.lsp.get_clients({ bufnr = bufnr, name = 'shapelens' })[1]
end

local function open(path)
  vim.cmd.edit(vim.fn.fnameescape(path))
  local bufnr = vim.api.nvim_get_current_buf()
  assert(vim.bo[bufnr].filetype == 'python', 'filetype is python, got ' .. vim.bo[bufnr].filetype)
  wait_for('ShapeLens to attach to ' .. path, function()
    local client = shapelens_client(bufnr)
    return client ~= nil and client.initialized == true
  end)
  return bufnr
end

--- The hints of a buffer on a 1-based line, as text.
local function hints_on(bufnr, lnum)
  local texts = {}
  local hints = vim.lsp.inlay_hint.get({
    bufnr = bufnr,
    range = { start = { line = lnum - 1, character = 0 }, ['end'] = { line = lnum, character = 0 } },
  })
  for _, item in ipairs(hints) do
    if item.inlay_hint.position.line == lnum - 1 then
      texts[#texts + 1] = label_text(item.inlay_hint.label)
    end
  end
  return texts
end

--- Runs vim.lsp.buf.hover() at (lnum, col) and returns the text of the floating window it opens.
local function hover_window_text(lnum, col)
  vim.api.nvim_win_set_cursor(0, { lnum, col })
  local main = vim.api.nvim_get_current_win()
  vim.lsp.buf.hover()
  local float
  wait_for('the hover window', function()
    for _, win in ipairs(vim.api.nvim_list_wins()) do
      if win ~= main and vim.api.nvim_win_get_config(win).relative ~= '' then
        float = win
        return true
      end
    end
    return false
  end)
  local lines = vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(float), 0, -1, false)
  vim.api.nvim_win_close(float, true)
  return table.concat(lines, '\n')
end

-- a screen wide enough for the Conv2D line and its hint
vim.o.columns = 150
vim.o.lines = 40
vim.o.swapfile = false

local conv_buf, conv_lnum, client_pid

check('ShapeLens attaches to a Python file (vim.lsp.enable via lsp/shapelens.lua)', function()
  conv_buf = open(example('examples/cats_vs_dogs.py', 'tests/editors/fixtures/cats_vs_dogs.py'))
  local client = shapelens_client(conv_buf)
  assert(client.config.cmd[1] == 'shapelens' and client.config.cmd[2] == 'serve', vim.inspect(client.config.cmd))
  assert(client.server_capabilities.inlayHintProvider, 'the server offers inlay hints')
  assert(client.server_capabilities.hoverProvider, 'the server offers hovers')
  -- the server is Neovim's child process
  local children = vim.api.nvim_get_proc_children(vim.fn.getpid())
  assert(#children >= 1, 'the server runs as a child of Neovim')
  client_pid = children[#children]
  conv_lnum = line_of(conv_buf, CONV_LINE)
end)

check('inlay hints are enabled in the attached buffer by setup()', function()
  assert(vim.lsp.inlay_hint.is_enabled({ bufnr = conv_buf }), 'inlay hints are on')
end)

check('vim.lsp.inlay_hint.get() has the Conv2D hint on its line', function()
  wait_for('the Conv2D hint', function()
    return vim.tbl_contains(hints_on(conv_buf, conv_lnum), CONV_HINT)
  end)
  -- and only there: the lines around it have other hints (or none), not this one
  assert(not vim.tbl_contains(hints_on(conv_buf, conv_lnum - 1), CONV_HINT))
  assert(not vim.tbl_contains(hints_on(conv_buf, conv_lnum + 1), CONV_HINT))
end)

check('the hint is drawn on the screen at the end of the Conv2D line', function()
  local row
  wait_for('the hint on screen', function()
    vim.cmd('redraw!')
    row = vim.fn.screenpos(0, conv_lnum, 1).row
    return row > 0 and screen_row(row):find(CONV_HINT, 1, true) ~= nil
  end)
  local text = screen_row(row)
  out('#   screen row ' .. row .. ': ' .. text)
  local code_at = assert(text:find(CONV_LINE, 1, true), 'the code is on that row')
  assert(text:find(CONV_HINT, 1, true) > code_at, 'the hint comes after the code')
  assert(not screen_row(row - 1):find('148, 148, 16', 1, true), 'not on the row above')
  assert(not screen_row(row + 1):find('148, 148, 16', 1, true), 'not on the row below')
end)

check(':ShapeLensToggleHints hides and shows the hints', function()
  vim.cmd('ShapeLensToggleHints')
  assert(not vim.lsp.inlay_hint.is_enabled({ bufnr = conv_buf }), 'off after one toggle')
  vim.cmd('redraw!')
  local row = vim.fn.screenpos(0, conv_lnum, 1).row
  assert(not screen_row(row):find(CONV_HINT, 1, true), 'the hint is gone from the screen')
  vim.cmd('ShapeLensToggleHints')
  assert(vim.lsp.inlay_hint.is_enabled({ bufnr = conv_buf }), 'on after two toggles')
  wait_for('the hint back on screen', function()
    vim.cmd('redraw!')
    return screen_row(vim.fn.screenpos(0, conv_lnum, 1).row):find(CONV_HINT, 1, true) ~= nil
  end)
end)

check('hover on Conv2D shows its shape, parameters and derivation', function()
  local col = assert(vim.api.nvim_buf_get_lines(conv_buf, conv_lnum - 1, conv_lnum, false)[1]:find('Conv2D', 1, true))
  local text = hover_window_text(conv_lnum, col) -- col is 1-based: cursor lands inside the word
  out('#   hover: ' .. text:gsub('\n', ' | '))
  for _, part in ipairs({ 'Conv2D', '(None, 148, 148, 16)', '448', '150', '= 148', '= 448' }) do
    assert(text:find(part, 1, true), 'hover shows ' .. part .. ':\n' .. text)
  end
end)

local bad_buf, merge_lnum

check('a bad merge gets an error diagnostic on its line', function()
  bad_buf = open(example('examples/errors/add_mismatch.py', 'tests/editors/fixtures/add_mismatch.py'))
  merge_lnum = line_of(bad_buf, MERGE_LINE)
  wait_for('the diagnostics of ' .. vim.api.nvim_buf_get_name(bad_buf), function()
    return #vim.diagnostic.get(bad_buf) > 0
  end)
  local diagnostics = vim.diagnostic.get(bad_buf)
  assert(#diagnostics == 1, 'one diagnostic: ' .. vim.inspect(diagnostics))
  local d = diagnostics[1]
  out('#   diagnostic: ' .. (d.lnum + 1) .. ':' .. (d.col + 1) .. ' [' .. tostring(d.code) .. '] ' .. d.message)
  assert(d.lnum == merge_lnum - 1, 'on the merge line (' .. merge_lnum .. '), got ' .. (d.lnum + 1))
  assert(d.severity == vim.diagnostic.severity.ERROR, 'an error')
  assert(d.code == 'incompatible-shapes', 'code incompatible-shapes, got ' .. tostring(d.code))
  assert(d.message:find('incompatible shapes', 1, true) and d.message:find('(32,) and (16,)', 1, true), d.message)
end)

check('the error is drawn: a sign on the merge row and the message as virtual text', function()
  vim.diagnostic.config({ virtual_text = true, signs = true, underline = true })
  vim.cmd('redraw!')
  local row = vim.fn.screenpos(0, merge_lnum, 1).row
  local text = screen_row(row)
  out('#   screen row ' .. row .. ': ' .. text)
  assert(text:sub(1, 1) == 'E', 'error sign in the sign column')
  local code_at = assert(text:find(MERGE_LINE, 1, true), 'the merge code is on that row')
  assert((text:find('incompatible shapes', 1, true) or 0) > code_at, 'the message is drawn after the code')
  assert(screen_row(row - 1):sub(1, 1) ~= 'E' and screen_row(row + 1):sub(1, 1) ~= 'E', 'sign only on that row')
end)

check('the server stops cleanly when Neovim stops it', function()
  local client = shapelens_client(bad_buf)
  client:stop()
  wait_for('the client to stop', function()
    return client:is_stopped()
  end)
  if client_pid then
    wait_for('the server process ' .. client_pid .. ' to exit', function()
      return vim.uv.kill(client_pid, 0) ~= 0
    end)
  end
end)

out(('%d passed, %d failed'):format(passed, failed))
io.stdout:flush()
vim.cmd((failed == 0 and 0 or 1) .. 'cquit')
