package rules

import (
	"fmt"
	"reflect"
	"time"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"github.com/google/cel-go/ext"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// contractTypeName is the CEL type of the contract variable.
const contractTypeName = "laborcheck.Contract"

// unknownBase offsets the ids of unknowns that stand for absent fields, so
// that they never collide with expression ids: field i is -(unknownBase+i).
const unknownBase = 1 << 20

// Env is the CEL environment rules compile in: the contract variable typed by
// a schema, and review_date. It is safe for concurrent use.
type Env struct {
	schema *contract.Schema
	cel    *cel.Env
	ct     *contractType
}

// NewEnv builds the CEL environment for schema.
func NewEnv(schema *contract.Schema) (*Env, error) {
	ct := &contractType{schema: schema, fieldTypes: map[string]*types.FieldType{}}
	for _, f := range schema.Fields() {
		ct.fieldTypes[f.Name] = fieldType(f)
	}
	env, err := cel.NewEnv(
		cel.Types(ct),
		cel.Variable("contract", cel.ObjectType(contractTypeName)),
		cel.Variable("review_date", cel.TimestampType),
		cel.CrossTypeNumericComparisons(true),
		cel.DefaultUTCTimeZone(true),
		// The parser's own limits, a little above the ones checkSize
		// reports with their place: n nested brackets take n+2 levels.
		cel.ParserRecursionLimit(MaxExpressionDepth+2),
		cel.ParserExpressionSizeLimit(MaxExpressionLength),
		ext.Strings(),
		ext.Sets(),
		ext.Lists(),
		ext.Math(),
		cel.ASTValidators(
			cel.ValidateTimestampLiterals(),
			cel.ValidateDurationLiterals(),
			cel.ValidateRegexLiterals(),
			cel.ValidateHomogeneousAggregateLiterals(),
			cel.ValidateComprehensionNestingLimit(2),
		),
	)
	if err != nil {
		return nil, fmt.Errorf("build rule environment: %w", err)
	}
	return &Env{schema: schema, cel: env, ct: ct}, nil
}

// Schema returns the schema the environment was built for.
func (e *Env) Schema() *contract.Schema { return e.schema }

func celType(t contract.Type) *types.Type {
	switch t {
	case contract.Int, contract.Duration:
		return types.IntType
	case contract.Number, contract.Money:
		return types.DoubleType
	case contract.Bool:
		return types.BoolType
	case contract.Date:
		return types.TimestampType
	default:
		return types.StringType
	}
}

func fieldType(f *contract.Field) *types.FieldType {
	i := f.Index
	typ := f.Type
	// The unknown an absent field reads as. Unknowns are never changed
	// (merging two makes a new one), so one serves every evaluation.
	absent := types.NewUnknown(-(unknownBase + int64(i)), nil)
	return &types.FieldType{
		Type: celType(typ),
		IsSet: func(target any) bool {
			c, ok := target.(*contract.Contract)
			return ok && i < len(c.Values) && c.Values[i].Present
		},
		GetFrom: func(target any) (any, error) {
			c, ok := target.(*contract.Contract)
			if !ok {
				return nil, fmt.Errorf("contract field %s read from %T", f.Name, target)
			}
			if i >= len(c.Values) || !c.Values[i].Present {
				return absent, nil
			}
			return nativeValue(typ, &c.Values[i]), nil
		},
	}
}

func nativeValue(t contract.Type, v *contract.Value) ref.Val {
	switch t {
	case contract.Int, contract.Duration:
		return types.Int(v.Int)
	case contract.Number, contract.Money:
		return types.Double(v.Num)
	case contract.Bool:
		return types.Bool(v.Bool)
	case contract.Date:
		return types.Timestamp{Time: v.Time.UTC()}
	default:
		return types.String(v.Str)
	}
}

// contractType describes the contract to CEL: a struct whose fields are the
// schema's, backed by *contract.Contract.
type contractType struct {
	schema     *contract.Schema
	fieldTypes map[string]*types.FieldType
}

var contractReflectType = reflect.TypeOf(&contract.Contract{})

func (t *contractType) ConvertToNative(reflect.Type) (any, error) {
	return nil, fmt.Errorf("type %s has no native form", contractTypeName)
}
func (t *contractType) ConvertToType(typeVal ref.Type) ref.Val {
	if typeVal == types.TypeType {
		return types.TypeType
	}
	return types.NewErr("type conversion error from type to %s", typeVal)
}
func (t *contractType) Equal(other ref.Val) ref.Val {
	o, ok := other.(ref.Type)
	return types.Bool(ok && o.TypeName() == contractTypeName)
}
func (t *contractType) Type() ref.Type   { return types.TypeType }
func (t *contractType) Value() any       { return t }
func (t *contractType) TypeName() string { return contractTypeName }
func (t *contractType) HasTrait(trait int) bool {
	return trait&(traits.FieldTesterType|traits.IndexerType) == trait
}
func (t *contractType) String() string            { return contractTypeName }
func (t *contractType) ReflectType() reflect.Type { return contractReflectType }
func (t *contractType) FieldNames() []string {
	names := make([]string, 0, t.schema.Len())
	for _, f := range t.schema.Fields() {
		names = append(names, f.Name)
	}
	return names
}
func (t *contractType) FindFieldType(name string) (*types.FieldType, bool) {
	ft, ok := t.fieldTypes[name]
	return ft, ok
}
func (t *contractType) NewValue(_ types.Adapter, fields map[string]ref.Val) ref.Val {
	return types.NewErr("contracts cannot be built inside rule expressions")
}
func (t *contractType) Adapt(a types.Adapter, value any) ref.Val {
	c, ok := value.(*contract.Contract)
	if !ok || c == nil {
		return types.NullValue
	}
	return &contractVal{c: c, t: t}
}

// contractVal is a contract as a CEL value.
type contractVal struct {
	c *contract.Contract
	t *contractType
}

func (v *contractVal) ConvertToNative(rt reflect.Type) (any, error) {
	if rt == contractReflectType {
		return v.c, nil
	}
	return nil, fmt.Errorf("contract has no %v form", rt)
}
func (v *contractVal) ConvertToType(typeVal ref.Type) ref.Val {
	if typeVal == types.TypeType {
		return v.t
	}
	return types.NewErr("cannot convert a contract to %s", typeVal)
}
func (v *contractVal) Equal(other ref.Val) ref.Val {
	o, ok := other.(*contractVal)
	return types.Bool(ok && o.c == v.c)
}
func (v *contractVal) Type() ref.Type { return v.t }
func (v *contractVal) Value() any     { return v.c }
func (v *contractVal) IsSet(field ref.Val) ref.Val {
	name, ok := field.(types.String)
	if !ok {
		return types.MaybeNoSuchOverloadErr(field)
	}
	ft, ok := v.t.fieldTypes[string(name)]
	if !ok {
		return types.NewErr("no such field %q", string(name))
	}
	return types.Bool(ft.IsSet(v.c))
}
func (v *contractVal) Get(field ref.Val) ref.Val {
	name, ok := field.(types.String)
	if !ok {
		return types.MaybeNoSuchOverloadErr(field)
	}
	ft, ok := v.t.fieldTypes[string(name)]
	if !ok {
		return types.NewErr("no such field %q", string(name))
	}
	out, err := ft.GetFrom(v.c)
	if err != nil {
		return types.WrapErr(err)
	}
	return out.(ref.Val)
}

// timestamp converts a review date for the activation.
func timestamp(t time.Time) ref.Val { return types.Timestamp{Time: t.UTC()} }

// fileEnv extends the base environment with what file f declares: its
// lists as constants lists.<name>, and a function tables.<name>(key...) per
// lookup table. Variables are added one by one as they compile.
func (e *Env) fileEnv(f *File) (*cel.Env, error) {
	var opts []cel.EnvOption
	for _, l := range f.Lists {
		opts = append(opts, cel.Constant("lists."+l.Name, cel.ListType(cel.StringType),
			types.NewStringList(types.DefaultTypeAdapter, l.Items)))
	}
	for _, t := range f.Tables {
		args := make([]*cel.Type, max(len(t.Key), 1))
		for i := range args {
			args[i] = cel.DynType
		}
		result := cel.DynType // the table could not be read; its error is reported already
		var binding cel.OverloadOpt
		if t.rows != nil {
			rt := newRowType(t)
			opts = append(opts, cel.Types(rt))
			result = cel.ObjectType(rt.name)
			switch len(args) {
			case 1:
				binding = cel.UnaryBinding(func(a ref.Val) ref.Val { return t.lookup(rt, a) })
			case 2:
				binding = cel.BinaryBinding(func(a, b ref.Val) ref.Val { return t.lookup(rt, a, b) })
			default:
				binding = cel.FunctionBinding(func(a ...ref.Val) ref.Val { return t.lookup(rt, a...) })
			}
		} else {
			binding = cel.FunctionBinding(func(a ...ref.Val) ref.Val {
				return types.NewErr("table %s could not be read", t.Name)
			})
		}
		opts = append(opts, cel.Function("tables."+t.Name,
			cel.Overload(fmt.Sprintf("tables_%s_%d", t.Name, len(args)), args, result, binding)))
	}
	if len(opts) == 0 {
		return e.cel, nil
	}
	return e.cel.Extend(opts...)
}
