package exprun

import (
	"fmt"
	"math"

	"github.com/exprun/exprun/clients/go/exprunv1"
	"google.golang.org/grpc/codes"
)

// Param and summary-metric values are the SDK's Union[float, int, str]: in Go a float64 (or
// float32), any integer type, or a string. They read back as float64, int64 or string, so an
// integer stays an integer. bool is refused: the API has no bool.

// toValue converts one param or metric value.
func toValue(key string, value any) (*exprunv1.Value, error) {
	switch v := value.(type) {
	case float64:
		return &exprunv1.Value{Kind: &exprunv1.Value_DoubleValue{DoubleValue: v}}, nil
	case float32:
		return &exprunv1.Value{Kind: &exprunv1.Value_DoubleValue{DoubleValue: float64(v)}}, nil
	case int:
		return intValue(int64(v)), nil
	case int8:
		return intValue(int64(v)), nil
	case int16:
		return intValue(int64(v)), nil
	case int32:
		return intValue(int64(v)), nil
	case int64:
		return intValue(v), nil
	case uint8:
		return intValue(int64(v)), nil
	case uint16:
		return intValue(int64(v)), nil
	case uint32:
		return intValue(int64(v)), nil
	case uint:
		if uint64(v) > math.MaxInt64 {
			return nil, invalidValue(key, value, "is beyond the int64 range")
		}
		return intValue(int64(v)), nil
	case uint64:
		if v > math.MaxInt64 {
			return nil, invalidValue(key, value, "is beyond the int64 range")
		}
		return intValue(int64(v)), nil
	case string:
		return &exprunv1.Value{Kind: &exprunv1.Value_StringValue{StringValue: v}}, nil
	default:
		return nil, invalidValue(key, value, fmt.Sprintf("is of type %T but must be a float, an integer or a string", value))
	}
}

func intValue(v int64) *exprunv1.Value {
	return &exprunv1.Value{Kind: &exprunv1.Value_IntValue{IntValue: v}}
}

func invalidValue(key string, value any, why string) *Error {
	return clientError(codes.InvalidArgument, ReasonInvalidValue, fmt.Sprintf("value %v for key %q %s", value, key, why), map[string]string{"key": key})
}

// toValueMap converts a params or metrics map for a request.
func toValueMap(values map[string]any) (map[string]*exprunv1.Value, error) {
	converted := make(map[string]*exprunv1.Value, len(values))
	for key, value := range values {
		v, err := toValue(key, value)
		if err != nil {
			return nil, err
		}
		converted[key] = v
	}
	return converted, nil
}

// fromValue is the Go value of a Value: float64, int64, string or bool (nil if no kind is set).
func fromValue(v *exprunv1.Value) any {
	switch kind := v.GetKind().(type) {
	case *exprunv1.Value_DoubleValue:
		return kind.DoubleValue
	case *exprunv1.Value_IntValue:
		return kind.IntValue
	case *exprunv1.Value_StringValue:
		return kind.StringValue
	case *exprunv1.Value_BoolValue:
		return kind.BoolValue
	default:
		return nil
	}
}

// fromValueMap converts a params or metrics map of a response.
func fromValueMap(values map[string]*exprunv1.Value) map[string]any {
	converted := make(map[string]any, len(values))
	for key, value := range values {
		converted[key] = fromValue(value)
	}
	return converted
}
