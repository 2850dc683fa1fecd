import { mount } from "svelte";
import App from "./App.svelte";
// Tokens first: every other sheet refers to its variables. Component rules live in each component.
import "./styles/tokens.css";
import "./styles/base.css";
import "./styles/controls.css";
import "./styles/blocks.css";

const target = document.getElementById("app");
if (!target) throw new Error("index.html lacks the #app element");

export default mount(App, { target });
