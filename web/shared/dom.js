// Small DOM helpers shared by the organiser console's modules.

/** The element with id `id`. */
export const $ = (id) => document.getElementById(id);

/**
 * A new element: `attrs` are attributes ("class" sets the class name, "text" the text content),
 * `children` nodes or strings appended in order.
 */
export function el(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
        if (k === "class") e.className = v; else if (k === "text") e.textContent = v; else e.setAttribute(k, v);
    }
    e.append(...children);
    return e;
}
