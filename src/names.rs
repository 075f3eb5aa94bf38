//! One way to name the variants of the enums that appear in contracts (JSON
//! output, policy files): `ALL`, `as_str`, `Display` and `FromStr`, all with the
//! `snake_case` names serde uses.

/// Implements `ALL` (every variant, as a slice, so adding a variant does not
/// change its type), `as_str`, [`std::fmt::Display`] and [`std::str::FromStr`]
/// (with [`crate::UnknownNameError`]) for a field-less enum.
macro_rules! names {
    ($ty:ident, $what:literal, { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// The `snake_case` name, as serialised.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $name),+
                }
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = $crate::risk::UnknownNameError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $ty::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == s)
                    .ok_or_else(|| $crate::risk::UnknownNameError::new($what, s))
            }
        }
    };
}
