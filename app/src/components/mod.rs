pub mod chart_card;
pub mod search_box;
pub mod selection_panel;
