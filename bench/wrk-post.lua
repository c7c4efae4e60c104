-- The tutorial's request, the same every time: POST /customResponse {"size": 100}, or the
-- size given after `--` (wrk … -s wrk-post.lua URL -- 50).
wrk.method = "POST"
wrk.path = "/customResponse"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"size": 100}'

function init(args)
  if args[1] then wrk.body = '{"size": ' .. tonumber(args[1]) .. '}' end
end
