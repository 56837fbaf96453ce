//! Parsers for pasted register dumps (all formats, auto-detected). OWNER: parser helper.
