"""`briefgen serve`: a live preview of a brief in the browser.

`state` keeps the last good brief and the pages made from it, `watch` reports saves, `pages`
renders the overview and the country previews, `app` serves them (Starlette), `server` binds
and runs (uvicorn), and `pipeline` is the one place that calls the rest of briefgen.
"""
