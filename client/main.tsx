// Boot: build the models, render the app, load the session and the lobby.
import { render } from "preact";
import { App } from "./app.tsx";
import { AppContext, AppModel } from "./models/app-model.ts";
import "./styles.css";

const app = new AppModel();
render(
  <AppContext.Provider value={app}>
    <App />
  </AppContext.Provider>,
  document.getElementById("app")!,
);
void app.start();
