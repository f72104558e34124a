//! Text renderer.
