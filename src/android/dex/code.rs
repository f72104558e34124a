//! The walk over class data and code items: which method of which class
//! invokes which method id, reads or writes which field id, loads which
//! string and names which type.
//!
//! Every Dalvik opcode's length is known from its format, and the three
//! payload pseudo-instructions (packed-switch, sparse-switch,
//! fill-array-data) are skipped by their declared size, so the walk stays
//! aligned on instruction boundaries. The total work is bounded by a budget
//! proportional to the file size, so a file whose class defs all point at the
//! same huge code item cannot make the walk quadratic.

use super::{Dex, u16_at, u32_at, uleb128};

/// What an instruction does with the index it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RefKind {
    /// `invoke-*` (35c/3rc) and `invoke-polymorphic*`: a method id.
    Invoke,
    /// `iget*` / `sget*`: a field id read.
    FieldGet,
    /// `iput*` / `sput*`: a field id written.
    FieldPut,
    /// `const-string` / `const-string/jumbo`: a string id.
    ConstString,
    /// `const-class`, `check-cast`, `instance-of`, `new-instance`,
    /// `new-array`, `filled-new-array*`: a type id.
    Type,
}

/// One reference made by one instruction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CodeRef {
    /// Type index of the class whose method holds the instruction.
    pub class_idx: u32,
    /// Method index of the method holding the instruction.
    pub method_idx: u32,
    /// File offset of that method's code_item (unique per method body).
    pub code_off: u32,
    /// What the instruction does.
    pub kind: RefKind,
    /// The method, field, string or type index it carries.
    pub index: u32,
    /// File offset of the instruction.
    pub offset: u32,
}

/// Counters and anomalies of one walk.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodeWalk {
    /// Class defs with class data.
    pub classes: u32,
    /// Encoded methods seen (with or without code).
    pub methods: u32,
    /// Code items walked.
    pub code_items: u32,
    /// 16-bit instruction units walked.
    pub insn_units: u64,
    /// References reported.
    pub refs: u64,
    /// Anomalies, one sentence each (capped; the last says how many more).
    pub warnings: Vec<String>,
}

const MAX_WARNINGS: usize = 32;

impl CodeWalk {
    fn warn(&mut self, dropped: &mut u32, msg: impl FnOnce() -> String) {
        if self.warnings.len() < MAX_WARNINGS {
            self.warnings.push(msg());
        } else {
            *dropped += 1;
        }
    }
}

/// Code units of each opcode by its format (payloads handled separately).
const fn insn_units(op: u8) -> usize {
    match op {
        0x00..=0x01 => 1,
        0x02 => 2,
        0x03 => 3,
        0x04 => 1,
        0x05 => 2,
        0x06 => 3,
        0x07 => 1,
        0x08 => 2,
        0x09 => 3,
        0x0a..=0x12 => 1,
        0x13 => 2,
        0x14 => 3,
        0x15..=0x16 => 2,
        0x17 => 3,
        0x18 => 5,
        0x19..=0x1a => 2,
        0x1b => 3,
        0x1c => 2,
        0x1d..=0x1e => 1,
        0x1f..=0x20 => 2,
        0x21 => 1,
        0x22..=0x23 => 2,
        0x24..=0x26 => 3,
        0x27..=0x28 => 1,
        0x29 => 2,
        0x2a..=0x2c => 3,
        0x2d..=0x3d => 2,
        0x3e..=0x43 => 1,
        0x44..=0x6d => 2,
        0x6e..=0x72 => 3,
        0x73 => 1,
        0x74..=0x78 => 3,
        0x79..=0x8f => 1,
        0x90..=0xaf => 2,
        0xb0..=0xcf => 1,
        0xd0..=0xe2 => 2,
        0xe3..=0xf9 => 1,
        0xfa..=0xfb => 4,
        0xfc..=0xfd => 3,
        0xfe..=0xff => 2,
    }
}

/// Reference kind and whether the index is 32-bit, for opcodes that carry one.
const fn ref_of(op: u8) -> Option<(RefKind, bool)> {
    match op {
        0x1a => Some((RefKind::ConstString, false)),
        0x1b => Some((RefKind::ConstString, true)),
        0x1c | 0x1f | 0x20 | 0x22 | 0x23 | 0x24 | 0x25 => Some((RefKind::Type, false)),
        0x52..=0x58 | 0x60..=0x66 => Some((RefKind::FieldGet, false)),
        0x59..=0x5f | 0x67..=0x6d => Some((RefKind::FieldPut, false)),
        0x6e..=0x72 | 0x74..=0x78 | 0xfa | 0xfb => Some((RefKind::Invoke, false)),
        _ => None,
    }
}

struct Walker<'d, F> {
    data: &'d [u8],
    visit: F,
    budget: u64,
    stats: CodeWalk,
    dropped: u32,
    budget_exhausted: bool,
}

impl<F: FnMut(CodeRef)> Walker<'_, F> {
    /// Takes `n` units of work; false once the budget is spent.
    fn spend(&mut self, n: u64) -> bool {
        if self.budget < n {
            if !self.budget_exhausted {
                self.budget_exhausted = true;
                let d = &mut self.dropped;
                self.stats
                    .warn(d, || "dex: code walk stopped, work budget exhausted".into());
            }
            self.budget = 0;
            return false;
        }
        self.budget -= n;
        true
    }

    fn class(&mut self, class_idx: u32, class_data_off: u32) {
        let data = self.data;
        let mut pos = class_data_off as usize;
        let mut head = [0u32; 4];
        for h in &mut head {
            match uleb128(data, &mut pos) {
                Some(v) => *h = v,
                None => {
                    let d = &mut self.dropped;
                    self.stats.warn(d, || {
                        format!("dex: class_data at {class_data_off:#x} is truncated")
                    });
                    return;
                }
            }
        }
        self.stats.classes += 1;
        let [static_fields, instance_fields, direct, virtual_] = head;
        // Fields: two ULEB128 each, at least one byte each.
        let fields = u64::from(static_fields) + u64::from(instance_fields);
        let methods = u64::from(direct) + u64::from(virtual_);
        let remaining = data.len().saturating_sub(pos) as u64;
        if fields * 2 + methods * 3 > remaining {
            let d = &mut self.dropped;
            self.stats.warn(d, || {
                format!("dex: class_data at {class_data_off:#x} claims more members than fit")
            });
            return;
        }
        for _ in 0..fields {
            if !self.spend(1) {
                return;
            }
            if uleb128(data, &mut pos).is_none() || uleb128(data, &mut pos).is_none() {
                return;
            }
        }
        for count in [direct, virtual_] {
            let mut method_idx: u32 = 0;
            for _ in 0..count {
                if !self.spend(1) {
                    return;
                }
                let (Some(diff), Some(_flags), Some(code_off)) = (
                    uleb128(data, &mut pos),
                    uleb128(data, &mut pos),
                    uleb128(data, &mut pos),
                ) else {
                    return;
                };
                method_idx = method_idx.wrapping_add(diff);
                self.stats.methods += 1;
                if code_off != 0 {
                    self.code(class_idx, method_idx, code_off);
                    if self.budget_exhausted {
                        return;
                    }
                }
            }
        }
    }

    fn code(&mut self, class_idx: u32, method_idx: u32, code_off: u32) {
        let data = self.data;
        let base = code_off as usize;
        let Some(insns_size) = u32_at(data, base + 12) else {
            let d = &mut self.dropped;
            self.stats.warn(d, || {
                format!("dex: code_item at {code_off:#x} lies outside the file")
            });
            return;
        };
        let start = base + 16;
        let available = data.len().saturating_sub(start) / 2;
        let mut units = insns_size as usize;
        if units > available {
            let d = &mut self.dropped;
            self.stats.warn(d, || {
                format!(
                    "dex: code_item at {code_off:#x} claims {insns_size} units, {available} present"
                )
            });
            units = available;
        }
        if !self.spend(units as u64 + 1) {
            return;
        }
        self.stats.code_items += 1;
        self.stats.insn_units += units as u64;
        let unit_at = |pc: usize| u16_at(data, start + pc * 2);
        let mut pc = 0usize;
        while pc < units {
            let Some(unit) = unit_at(pc) else { break };
            let op = (unit & 0xFF) as u8;
            let len = instruction_units(unit, pc, &unit_at);
            if len > (units - pc) as u64 {
                let off = start + pc * 2;
                let d = &mut self.dropped;
                self.stats.warn(d, || {
                    format!("dex: instruction at {off:#x} runs past the end of its code_item")
                });
                return;
            }
            if let Some((kind, wide)) = ref_of(op) {
                let Some(index) = ref_index(wide, pc, &unit_at) else {
                    return;
                };
                self.stats.refs += 1;
                (self.visit)(CodeRef {
                    class_idx,
                    method_idx,
                    code_off,
                    kind,
                    index,
                    offset: (start + pc * 2) as u32,
                });
            }
            pc += len as usize;
        }
    }
}

/// Length in code units of the instruction whose first unit is `unit` at
/// `pc`: the opcode's format, or for `nop` the size of the payload it may
/// introduce (`u64::MAX` when the payload header is cut off).
#[inline]
fn instruction_units(unit: u16, pc: usize, unit_at: &impl Fn(usize) -> Option<u16>) -> u64 {
    let op = (unit & 0xFF) as u8;
    if op != 0 {
        return insn_units(op) as u64;
    }
    let a = unit_at(pc + 1).map(u64::from);
    match unit >> 8 {
        // packed-switch-payload: ident, size, first_key (2), targets (2 × size)
        1 => a.map_or(u64::MAX, |n| 4 + 2 * n),
        // sparse-switch-payload: ident, size, keys (2 × size), targets (2 × size)
        2 => a.map_or(u64::MAX, |n| 2 + 4 * n),
        // fill-array-data-payload: ident, width, size (2), data (width × size bytes)
        3 => match (a, unit_at(pc + 2), unit_at(pc + 3)) {
            (Some(w), Some(lo), Some(hi)) => {
                let n = u64::from(lo) | (u64::from(hi) << 16);
                4 + (w * n).div_ceil(2)
            }
            _ => u64::MAX,
        },
        _ => 1,
    }
}

/// The index operand of the instruction at `pc`: one code unit, or two
/// (`wide`, low unit first).
#[inline]
fn ref_index(wide: bool, pc: usize, unit_at: &impl Fn(usize) -> Option<u16>) -> Option<u32> {
    if wide {
        let (lo, hi) = (unit_at(pc + 1)?, unit_at(pc + 2)?);
        Some(u32::from(lo) | (u32::from(hi) << 16))
    } else {
        unit_at(pc + 1).map(u32::from)
    }
}

impl Dex<'_> {
    /// Walks the code of every class def and calls `visit` for each
    /// instruction that carries a method, field, string or type index,
    /// method by method in class_defs order. Returns counters and anomalies;
    /// never fails (a broken class or code item is skipped with a warning).
    pub fn walk_code<F: FnMut(CodeRef)>(&self, visit: F) -> CodeWalk {
        let mut w = Walker {
            data: self.data,
            visit,
            budget: 2 * self.data.len() as u64 + 4096,
            stats: CodeWalk::default(),
            dropped: 0,
            budget_exhausted: false,
        };
        for i in 0..self.class_defs.count {
            let Some(def) = self.class_def(i) else { break };
            if def.class_data_off == 0 {
                continue;
            }
            if !w.spend(1) {
                break;
            }
            w.class(def.class_idx, def.class_data_off);
            if w.budget_exhausted {
                break;
            }
        }
        let mut stats = w.stats;
        if w.dropped > 0 {
            stats
                .warnings
                .push(format!("dex: {} more code warnings", w.dropped));
        }
        stats
    }

    /// [`Dex::walk_code`] collecting every reference.
    pub fn code_refs(&self) -> (Vec<CodeRef>, CodeWalk) {
        let mut refs = Vec::new();
        let stats = self.walk_code(|r| refs.push(r));
        (refs, stats)
    }
}
