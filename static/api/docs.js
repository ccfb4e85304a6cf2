// Swagger UI for the API docs page; the schema's URL comes from a data attribute, so the
// page has no inline script.
document.addEventListener("DOMContentLoaded", function () {
  var node = document.getElementById("swagger-ui");
  if (!node || !window.SwaggerUIBundle) return;
  var csrf = document.body.getAttribute("hx-headers");
  var token = "";
  try { token = JSON.parse(csrf || "{}")["X-CSRFToken"] || ""; } catch (e) { token = ""; }
  window.SwaggerUIBundle({
    url: node.dataset.schemaUrl,
    domNode: node,
    deepLinking: true,
    requestInterceptor: function (request) {
      if (token) request.headers["X-CSRFToken"] = token;
      return request;
    },
  });
});
