import { x } from "@claims/event-store"; console.log("alias ok", x);
