-- The only configuration of the Neovim real-editor test: ShapeLens's runtime folder and setup().
-- Run with `nvim --clean --headless -u tests/editors/nvim/init.lua`; SHAPELENS_REPO is the repo.
local repo = assert(vim.env.SHAPELENS_REPO, 'SHAPELENS_REPO is not set')
vim.opt.runtimepath:prepend(repo .. '/editors/nvim')
require('shapelens').setup()
