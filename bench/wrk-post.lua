-- The tutorial's request, the same every time: POST /customResponse {"size": 100}.
wrk.method = "POST"
wrk.path = "/customResponse"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"size": 100}'
