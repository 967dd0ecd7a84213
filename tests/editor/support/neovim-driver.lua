-- Drives Neovim's own LSP client (0.7: vim.lsp.start_client + buf_attach_client) against
-- `seg lsp`, as a user would: open a file, wait for diagnostics, break and fix the text,
-- ask for completion, jump to a definition. Writes what Neovim saw as JSON to $SEG_OUT.
local cli, root, out = os.getenv('SEG_CLI'), os.getenv('SEG_ROOT'), os.getenv('SEG_OUT')
local result = { steps = {} }

local function finish()
  local file = io.open(out, 'w')
  file:write(vim.fn.json_encode(result))
  file:close()
  vim.cmd('qall!')
end

local function step(name, fn)
  local ok, err = pcall(fn)
  if not ok then
    result.error = name .. ': ' .. tostring(err)
    finish()
  end
end

local function diagnostics_of(bufnr)
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(list, { line = d.lnum, col = d.col, end_col = d.end_col, severity = d.severity, message = d.message, code = d.code })
  end
  return list
end

vim.cmd('edit ' .. root .. '/offers.seg')
local bufnr = vim.api.nvim_get_current_buf()
local client_id = vim.lsp.start_client({
  name = 'seg',
  cmd = { 'node', cli, 'lsp', '--stdio' },
  root_dir = root,
  workspace_folders = { { uri = vim.uri_from_fname(root), name = 'retail' } },
})
vim.lsp.buf_attach_client(bufnr, client_id)

step('attach', function()
  assert(vim.wait(10000, function()
    local client = vim.lsp.get_client_by_id(client_id)
    return client ~= nil and client.initialized
  end, 50), 'the server did not initialize')
end)

-- 1. A clean file: the server publishes an empty list; give it time to arrive.
step('clean', function()
  vim.wait(1500, function() return false end, 50)
  result.clean = diagnostics_of(bufnr)
end)

-- 2. Break a reference (line 16: `  eligible dormant`) and wait for the error to show.
step('broken', function()
  vim.api.nvim_buf_set_lines(bufnr, 15, 16, false, { '  eligible dormantt' })
  assert(vim.wait(10000, function() return #vim.diagnostic.get(bufnr) > 0 end, 50), 'no diagnostics after the edit')
  result.broken = diagnostics_of(bufnr)
end)

-- 3. Fix it again: the diagnostics go away.
step('fixed', function()
  vim.api.nvim_buf_set_lines(bufnr, 15, 16, false, { '  eligible dormant' })
  assert(vim.wait(10000, function() return #vim.diagnostic.get(bufnr) == 0 end, 50), 'diagnostics stayed after the fix')
  result.fixed = diagnostics_of(bufnr)
end)

-- 4. Completion at the start of an `eligible` expression (line 16, after `eligible `).
step('completion', function()
  local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = { line = 15, character = 11 } }
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/completion', params, 10000)
  local labels = {}
  for _, response in pairs(responses or {}) do
    local items = response.result and (response.result.items or response.result) or {}
    for _, item in ipairs(items) do table.insert(labels, item.label) end
  end
  result.completion = labels
end)

-- 5. Go to definition of `dormant` (line 16, character 12) with the editor's own command.
step('definition', function()
  vim.api.nvim_win_set_cursor(0, { 16, 12 })
  vim.lsp.buf.definition()
  assert(vim.wait(10000, function() return vim.api.nvim_buf_get_name(0) ~= vim.api.nvim_buf_get_name(bufnr) end, 50), 'the cursor did not move to another file')
  local position = vim.api.nvim_win_get_cursor(0)
  result.definition = { file = vim.api.nvim_buf_get_name(0), line = position[1] - 1, col = position[2], text = vim.api.nvim_get_current_line() }
end)

finish()
